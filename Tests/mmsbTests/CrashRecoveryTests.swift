import ArgumentParser
import Foundation
import MMSB
import Testing
@testable import CrashWriter
@testable import mmsb

/// Process-crash tests (reliability study §3.A1, A2, A7): a child `CrashWriter` (a test-support executable) writes a seeded
/// workload and acknowledges each call on stdout; the test kills it with `SIGKILL` at a random moment,
/// reopens the store in-process and compares it with an in-memory bus that replayed the same calls.
///
/// Besides single kills, ``alwaysLosesNoAcknowledgedCall()`` runs kill → restart → kill *sequences*
/// (issue 9): 1 to 4 rounds on one store, each a writer that continues the sequence where the log
/// ends, in `always`, `batched` or `none` mode, and is killed after its ready line, killed early (while
/// it opens and recovers the store), runs `--calls N` to a clean close, or is raced: given `--calls N`
/// and killed about when it finishes, often mid-checkpoint. Every restart's ready line must continue
/// exactly after what the store held (next call, delta id and LSN, never a skip or a repeat), and the
/// final in-process open must hold every call acknowledged under `always` in any round, equal the
/// replay of exactly the calls it holds, and need no salvage.
///
/// The counts come from the environment, so CI runs a bounded sample (about half a minute on 2 cores
/// for the whole suite) and a person the big one:
///
/// - `MMSB_CRASH_TRIALS`: single-kill `always` trials (default 50; one in ten is killed early).
/// - `MMSB_CRASH_SEQUENCES`: kill → restart sequences (default 20; each has at least one killed
///   `always` round, the first five follow fixed plans).
/// - `MMSB_CRASH_SEED`: added to every base seed, to try seeds CI has not (default 0). A failure names
///   its seed; `MMSB_CRASH_SEED` = that seed minus the test's base seed, with a count of 1, replays its
///   workload and kill times (not the scheduler's timing).
///
/// The big run, 1,000 single kills and 300 sequences (1,300 trials; about 3½ minutes on 2 cores):
///
///     MMSB_CRASH_TRIALS=1000 MMSB_CRASH_SEQUENCES=300 nice -n 10 \
///         swift test --scratch-path .build-crash --filter CrashRecoveryTests/alwaysLosesNoAcknowledgedCall
///
/// Each test prints one summary line: trials (single kills and sequences), rounds by how they ended,
/// kill -9s under `always`, acknowledged calls, lost acknowledged calls (must be 0), torn tails, time.
@Suite(.serialized) struct CrashRecoveryTests {
    /// Pages the workload writes to.
    static let pages = 8

    @Test func alwaysLosesNoAcknowledgedCall() throws {
        let settings = try CrashSettings.fromEnvironment()
        let summary = try CrashHarness.run(
            mode: .always, trials: settings.alwaysTrials, sequences: settings.sequences, baseSeed: 0xA1_0000, settings: settings)
        #expect(summary.lostAcks == 0)
        #expect(summary.trials == settings.alwaysTrials)
        #expect(summary.sequences == settings.sequences)
    }

    @Test func batchedRecoversAPrefixOfTheCalls() throws {
        let summary = try CrashHarness.run(mode: .batched, trials: 10, baseSeed: 0xB2_0000, settings: try CrashSettings.fromEnvironment())
        #expect(summary.trials == 10)
    }

    @Test func noneRecoversAPrefixOfTheCalls() throws {
        let summary = try CrashHarness.run(mode: .none, trials: 10, baseSeed: 0xC3_0000, settings: try CrashSettings.fromEnvironment())
        #expect(summary.trials == 10)
    }

    /// Without a kill the writer stops after `--calls`, closes the store, and a second run continues the
    /// same sequence where the log ends.
    @Test func writerStopsAfterCallsAndContinuesTheSequence() throws {
        let directory = ScratchDirectory()
        let store = directory.path + "/store"
        let seed: UInt64 = 77
        let first = try runCrashWriter([store, "--durability", "none", "--pages", "3", "--seed", "\(seed)", "--calls", "25"])
        #expect(first.status == 0, "stderr: \(first.error)")
        let firstLines = first.output.split(separator: "\n").map(String.init)
        #expect(firstLines.first == "ready 1 1 4")
        #expect(firstLines.count == 26)
        let acks = firstLines.dropFirst().compactMap(CrashHarness.Ack.init)
        #expect(acks.map(\.call) == Array(1...25))
        #expect(acks.map(\.lsn) == (1...25).map { UInt64(3) + $0 })
        #expect(acks.last?.delta == CrashWorkload.lastDeltaID(ofCall: 25, seed: seed, pages: 3).rawValue)

        let second = try runCrashWriter(
            [store, "--durability", "always", "--pages", "3", "--seed", "\(seed)", "--calls", "10", "--report-recovery"])
        #expect(second.status == 0, "stderr: \(second.error)")
        // The first run's checkpoint covers everything: nothing torn, nothing unfinished.
        #expect(second.error == "recovery 29 torn - unfinished -\n")
        let secondLines = second.output.split(separator: "\n").map(String.init)
        let nextDelta = CrashWorkload.lastDeltaID(ofCall: 25, seed: seed, pages: 3).rawValue + 1
        // LSN 29 is the checkpoint marker the first run's close wrote, so the second run starts at 30.
        #expect(secondLines.first == "ready 26 \(nextDelta) 30")
        #expect(secondLines.dropFirst().compactMap(CrashHarness.Ack.init).map(\.call) == Array(26...35))

        let bus = try StateBus.open(at: store, options: StoreOptions(createIfMissing: false))
        #expect(bus.recoveryReport?.tornTail == nil)
        #expect(try CrashHarness.snapshot(bus) == CrashHarness.snapshot(CrashHarness.model(seed: seed, pages: 3, calls: 35)))
        try bus.close()
    }

    @Test(arguments: [
        (["--durability", "sometimes"], "sometimes"),
        (["--pages", "0"], "--pages must be 1 to"),
        (["--pages", "100000"], "--pages must be 1 to"),
        (["--seed", "-1"], "--seed"),
        (["--seed=-1"], "-1"),
        (["--seed", "banana"], "banana"),
        (["--calls=-3"], "--calls must not be negative"),
        (["--pages"], "--pages"),
    ])
    func badOptionsAreCleanErrors(options: [String], mention: String) throws {
        let directory = ScratchDirectory()
        let result = try runCrashWriter([directory.path + "/store"] + options)
        #expect(result.status != 0)
        #expect(result.error.contains("Error:"))
        #expect(result.error.contains(mention))
        #expect(!result.error.contains("Fatal error"))
        #expect(!result.error.contains("Stack dump"))
        #expect(result.output.isEmpty)
    }

    @Test func badStoresAreCleanErrors() throws {
        let directory = ScratchDirectory()
        // A plain file where the store should be.
        let file = directory.path + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let notAStore = try runCrashWriter([file, "--calls", "1"])
        #expect(notAStore.status != 0)
        #expect(notAStore.error.contains("Error: \(file) is a file, not an MMSB store"))

        // A store written with another page count, and with another seed.
        let store = directory.path + "/store"
        let made = try runCrashWriter([store, "--pages", "3", "--seed", "5", "--calls", "4"])
        #expect(made.status == 0, "stderr: \(made.error)")
        let otherPages = try runCrashWriter([store, "--pages", "4", "--seed", "5", "--calls", "1"])
        #expect(otherPages.status != 0)
        #expect(otherPages.error.contains("Error: the store holds 3 pages"))
        let seedSix = CrashWorkload.lastDeltaID(ofCall: 4, seed: 5, pages: 3).rawValue
        // Another seed may by chance put a call boundary at the same delta; only a mismatch must be an error.
        if CrashWorkload.call(after: DeltaID(seedSix + 1), seed: 6, pages: 3) == nil {
            let otherSeed = try runCrashWriter([store, "--pages", "3", "--seed", "6", "--calls", "1"])
            #expect(otherSeed.status != 0)
            #expect(otherSeed.error.contains("are not a whole number of calls"))
        }
        for result in [notAStore, otherPages] {
            #expect(!result.error.contains("Fatal error"))
            #expect(result.error.split(separator: "\n").count == 1)
        }
    }

    @Test func theUsersToolHasNoTestCommand() throws {
        let help = try runMMSB(["--help"])
        #expect(help.status == 0)
        #expect(!help.output.contains("crash-writer") && !help.output.contains("CrashWriter"))
        let run = try runMMSB(["crash-writer", "/tmp/x"])
        #expect(run.status == 64)
    }

    @Test func theWriterParsesItsOptions() throws {
        let command = try CrashWriterCommand.parse(["/tmp/x", "--durability", "batched", "--pages", "5", "--seed", "9"])
        #expect(command.durability == .batched)
        #expect(command.pages == 5)
        #expect(command.seed == 9)
        #expect(command.calls == nil)
        #expect(!command.reportRecovery)
        #expect(try CrashWriterCommand.parse(["/tmp/x", "--report-recovery"]).reportRecovery)
    }

    @Test func settingsComeFromTheEnvironment() throws {
        let defaults = try CrashSettings.fromEnvironment([:])
        #expect(defaults.alwaysTrials == 50 && defaults.sequences == 20 && defaults.seedOffset == 0)
        let big = try CrashSettings.fromEnvironment(["MMSB_CRASH_TRIALS": "1000", "MMSB_CRASH_SEQUENCES": " 300 ", "MMSB_CRASH_SEED": "7", "MMSB_CRASH_X": "y"])
        #expect(big.alwaysTrials == 1_000 && big.sequences == 300 && big.seedOffset == 7)
        #expect(try CrashSettings.fromEnvironment(["MMSB_CRASH_TRIALS": ""]).alwaysTrials == 50)
        #expect(throws: CrashSettings.BadValue.self) { try CrashSettings.fromEnvironment(["MMSB_CRASH_TRIALS": "lots"]) }
        #expect(throws: CrashSettings.BadValue.self) { try CrashSettings.fromEnvironment(["MMSB_CRASH_SEQUENCES": "-1"]) }
    }

    /// Every sequence plan keeps at least one killed `always` round, and the plans mix every mode and end.
    @Test func sequencePlansMixModesAndEnds() {
        let plans = CrashHarness.fixedPlans + (UInt64(0)..<200).map { CrashHarness.plan(seed: $0) }
        #expect(plans.allSatisfy { (1...4).contains($0.count) })
        #expect(plans.allSatisfy { $0.contains { $0.mode == .always && $0.end.isKillAfterReady } })
        let rounds = plans.joined()
        for mode in CrashWriterCommand.Mode.allCases { #expect(rounds.contains { $0.mode == mode }) }
        #expect(rounds.contains { if case .early = $0.end { true } else { false } })
        #expect(rounds.contains { if case .clean = $0.end { true } else { false } })
        #expect(rounds.contains { if case .raced = $0.end { true } else { false } })
        // A `none` or `batched` round followed by an `always` one.
        #expect(plans.contains { plan in zip(plan, plan.dropFirst()).contains { $0.mode != .always && $1.mode == .always } })
    }

    @Test func workloadIsAPureFunctionOfSeedAndCall() {
        for k in UInt64(1)...200 {
            let call = CrashWorkload.call(k, seed: 3, pages: 8)
            #expect(call == CrashWorkload.call(k, seed: 3, pages: 8))
            #expect((1...8).contains(call.deltaCount))
            if case .batch(let writes) = call { #expect(writes.count >= 2) }
        }
        #expect((1...50).contains { CrashWorkload.call($0, seed: 3, pages: 8) != CrashWorkload.call($0, seed: 4, pages: 8) })
        #expect(CrashWorkload.call(after: DeltaID(1), seed: 3, pages: 8) == 0)
        let end = CrashWorkload.lastDeltaID(ofCall: 40, seed: 3, pages: 8)
        #expect(CrashWorkload.call(after: DeltaID(end.rawValue + 1), seed: 3, pages: 8) == 40)
    }
}


/// The trial counts and the seed offset, from the environment (see ``CrashRecoveryTests``).
struct CrashSettings: Sendable {
    /// `MMSB_CRASH_TRIALS`: single-kill trials under `always`.
    var alwaysTrials = 50
    /// `MMSB_CRASH_SEQUENCES`: kill → restart sequences.
    var sequences = 20
    /// `MMSB_CRASH_SEED`: added to every base seed.
    var seedOffset: UInt64 = 0

    /// A variable set to something other than a non-negative whole number.
    struct BadValue: Error, CustomStringConvertible {
        var name: String
        var value: String
        var description: String { "\(name) must be a non-negative whole number, not \"\(value)\"" }
    }

    /// The settings from `environment`; an unset or empty variable keeps its default.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CrashSettings {
        func read(_ name: String) throws -> UInt64? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = UInt64(text), value <= UInt64(Int32.max) else { throw BadValue(name: name, value: text) }
            return value
        }
        var settings = CrashSettings()
        if let trials = try read("MMSB_CRASH_TRIALS") { settings.alwaysTrials = Int(trials) }
        if let sequences = try read("MMSB_CRASH_SEQUENCES") { settings.sequences = Int(sequences) }
        if let offset = try read("MMSB_CRASH_SEED") { settings.seedOffset = offset }
        return settings
    }
}

// MARK: - Kill → restart → kill sequences

extension CrashHarness {
    /// One round of a sequence: a writer started on the store in `mode`, and how it ends.
    struct Round: CustomStringConvertible {
        enum End {
            /// Killed `ms` milliseconds after its ready line.
            case kill(ms: Int)
            /// Killed `ms` milliseconds after its start, often while it opens and recovers the store
            /// (or, on a fresh store, creates it and its pages).
            case early(ms: Int)
            /// `--calls n`: it runs to its end and closes the store, which takes a checkpoint.
            case clean(calls: Int)
            /// `--calls n`, killed `ms` milliseconds after its ready line: it may be killed while it
            /// writes, while it closes (mid-checkpoint), or exit first.
            case raced(calls: Int, ms: Int)

            var isKillAfterReady: Bool { if case .kill = self { true } else { false } }
        }

        var mode: CrashWriterCommand.Mode
        var end: End

        init(_ mode: CrashWriterCommand.Mode, _ end: End) {
            self.mode = mode
            self.end = end
        }

        var description: String {
            switch end {
            case .kill(let ms): "\(mode.rawValue) kill@\(ms)ms"
            case .early(let ms): "\(mode.rawValue) early kill@\(ms)ms"
            case .clean(let calls): "\(mode.rawValue) clean --calls \(calls)"
            case .raced(let calls, let ms): "\(mode.rawValue) --calls \(calls) kill@\(ms)ms"
            }
        }
    }

    /// The first sequences follow these plans, so even a small sample has each kind of history.
    static let fixedPlans: [[Round]] = [
        // Calls a `none` kill dropped are written again, and then survive an `always` kill.
        [Round(.none, .kill(ms: 60)), Round(.always, .kill(ms: 60))],
        [Round(.batched, .kill(ms: 40)), Round(.always, .clean(calls: 20)), Round(.always, .kill(ms: 50))],
        [Round(.always, .kill(ms: 30)), Round(.always, .early(ms: 10)), Round(.always, .kill(ms: 40)), Round(.none, .clean(calls: 10))],
        [Round(.always, .raced(calls: 15, ms: 45)), Round(.none, .kill(ms: 20)), Round(.always, .kill(ms: 30)), Round(.batched, .raced(calls: 10, ms: 10))],
        [Round(.always, .early(ms: 15)), Round(.always, .kill(ms: 30))],
    ]

    /// 1 to 4 rounds drawn from `seed`: half `always`, a quarter each `batched` and `none`; half
    /// killed after ready, a tenth early, a fifth clean, a fifth raced. At least one round is an
    /// `always` writer killed after its ready line.
    static func plan(seed: UInt64) -> [Round] {
        var random = SplitMix64(seed: seed ^ 0x5E0_0E4C)
        func draw(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        var rounds: [Round] = (0..<(1 + draw(4))).map { _ in
            let pick = draw(4)
            let mode: CrashWriterCommand.Mode = pick < 2 ? .always : pick == 2 ? .batched : .none
            switch draw(10) {
            case 0..<5: return Round(mode, .kill(ms: 5 + draw(96)))
            case 5: return Round(mode, .early(ms: draw(31)))
            case 6, 7: return Round(mode, .clean(calls: 1 + draw(30)))
            default:
                // An `always` call takes a few milliseconds, so aim at the end of its calls or its close.
                let calls = 1 + draw(20)
                return Round(mode, .raced(calls: calls, ms: draw(mode == .always ? 4 * calls + 31 : 31)))
            }
        }
        if !rounds.contains(where: { $0.mode == .always && $0.end.isKillAfterReady }) {
            rounds[rounds.count - 1] = Round(.always, .kill(ms: 5 + draw(96)))
        }
        return rounds
    }

    /// What the harness knows of the store between the rounds of a sequence.
    struct Expectation {
        /// The calls the store may hold: from what the last writer found at its start (or, under
        /// `always`, acknowledged) to one more than it acknowledged.
        var calls: ClosedRange<UInt64> = 0...0
        /// The next LSN minus the calls held, once every page exists: one record per page, one per
        /// call, one checkpoint marker per close, so pages + 1 + closes.
        var lsnOffset: UInt64
        /// A raced writer killed after its last ack may have written its checkpoint marker: then,
        /// holding exactly this many calls, the offset is one more.
        var markerMaybeAt: UInt64?
        /// The highest call acknowledged under `always` in any round: never lost.
        var durable: UInt64 = 0
        /// The last call the last writer acknowledged, in any mode.
        var acked: UInt64 = 0
        /// Every page's creation is durable (an `always` writer made them, a writer closed, or
        /// recovery found them): from then on no restart creates a page.
        var pagesComplete = false

        /// Checks that a store found holding `calls` calls with `nextLSN` (`nil` while pages may be
        /// missing) continues the sequence; from then on the store is known to hold exactly that.
        mutating func observe(calls: UInt64, nextLSN: UInt64?) -> (problems: [String], lost: UInt64, dropped: UInt64) {
            var problems: [String] = []
            if !self.calls.contains(calls) {
                problems.append("holds \(calls) calls, expected \(self.calls.lowerBound) to \(self.calls.upperBound)")
            }
            let lost = durable > calls ? durable - calls : 0
            if lost > 0 { problems.append("lost \(lost) calls acknowledged under always (acked up to call \(durable), holds \(calls))") }
            if let nextLSN {
                if markerMaybeAt == calls, nextLSN == calls + lsnOffset + 1 {
                    lsnOffset += 1
                } else if nextLSN != calls + lsnOffset {
                    problems.append("next LSN \(nextLSN), expected \(calls + lsnOffset) (\(calls) calls + \(lsnOffset))"
                        + (markerMaybeAt.map { " or, with \($0) calls, one more" } ?? ""))
                }
            }
            let dropped = acked > calls ? acked - calls : 0
            self.calls = calls...calls
            markerMaybeAt = nil
            // Count a loss once: later rounds go on from what the store holds.
            durable = min(durable, calls)
            acked = calls
            return (problems, lost, dropped - min(dropped, lost))
        }
    }

    /// Runs `plan` on one fresh store, then reopens it in this process and checks it.
    static func sequence(seed: UInt64, plan: [Round], summary: inout Summary) throws {
        let directory = ScratchDirectory()
        let store = directory.path + "/store"
        let pages = CrashRecoveryTests.pages
        var workload = Workload(seed: seed, pages: pages)
        var expected = Expectation(lsnOffset: UInt64(pages) + 1)
        var history: [String] = []
        var lost: UInt64 = 0
        let planText = plan.map(\.description).joined(separator: ", ")
        func context(_ where: String) -> String {
            "sequence seed \(seed) [\(planText)], \(`where`)" + (history.isEmpty ? "" : "; so far: " + history.joined(separator: "; "))
        }
        summary.sequences += 1
        defer { summary.lose(lost) }

        for (index, round) in plan.enumerated() {
            summary.rounds += 1
            let here = context("round \(index + 1) (\(round))")
            let errorFile = directory.path + "/stderr-\(index).txt"
            let child: ChildResult
            switch round.end {
            case .kill(let ms):
                child = try killedChild(writerArguments(store: store, mode: round.mode, seed: seed, extra: ["--report-recovery"]),
                    errorFile: errorFile, delay: Double(ms) / 1_000, afterReady: true)
            case .early(let ms):
                child = try killedChild(writerArguments(store: store, mode: round.mode, seed: seed, extra: ["--report-recovery"]),
                    errorFile: errorFile, delay: Double(ms) / 1_000, afterReady: false)
            case .clean(let calls):
                let result = try runCrashWriter(writerArguments(store: store, mode: round.mode, seed: seed, extra: ["--report-recovery", "--calls", "\(calls)"]))
                child = ChildResult(status: result.status, killed: false, sawReady: result.output.hasPrefix("ready "), output: result.output, error: result.error)
            case .raced(let calls, let ms):
                child = try killedChild(writerArguments(store: store, mode: round.mode, seed: seed, extra: ["--report-recovery", "--calls", "\(calls)"]),
                    errorFile: errorFile, delay: Double(ms) / 1_000, afterReady: true)
            }
            // Its stderr holds its recovery line and nothing else; a writer not killed exits with 0.
            let recovery = RecoveryLine(stderr: child.error)
            let otherErrors = child.error.split(separator: "\n").filter { !$0.hasPrefix("recovery ") }
            guard child.killed || child.status == 0, otherErrors.isEmpty else {
                Issue.record("\(here): the writer failed: status \(child.status), killed \(child.killed), stderr: \(child.error)")
                return
            }
            switch round.end {
            case .kill, .early: #expect(child.killed, "\(here): the writer was not killed by SIGKILL; status \(child.status)")
            case .clean, .raced: break
            }
            if let recovery {
                if recovery.tornTail { summary.tornTails += 1 }
                if recovery.unfinishedSegment { summary.unfinishedSegments += 1 }
            }
            let output = WriterOutput(child.output)
            for problem in output.problems { Issue.record("\(here): \(problem)") }
            if child.killed {
                summary.killedRounds += 1
                if round.mode == .always { summary.alwaysKilledRounds += 1 }
            }

            guard let ready = output.ready else {
                // Killed before ready: it made no call, so the store holds what it held.
                #expect(child.killed, "\(here): the writer exited without a ready line: \(child.output)")
                #expect(!round.end.isKillAfterReady, "\(here): the writer never said ready; stderr: \(child.error)")
                summary.killedBeforeReady += 1
                history.append("\(round): killed before ready")
                continue
            }

            // The ready line continues exactly after what the store holds.
            let held = ready.call - 1
            let heldDelta = workload.lastDelta(ofCall: held)
            if ready.delta != heldDelta + 1 {
                Issue.record("\(here): \(ready): after \(held) calls the next delta id is \(heldDelta + 1)")
            }
            if let recovery {
                // The store's first `pages` records create the pages; the writer creates those recovery
                // did not find (a kill lost them, or came before they were all made) before its first call.
                let next = max(recovery.lastLSN, UInt64(pages)) + 1
                #expect(ready.lsn == next, "\(here): recovered up to LSN \(recovery.lastLSN) but \(ready)")
                if expected.pagesComplete, recovery.lastLSN < UInt64(pages) {
                    Issue.record("\(here): recovered up to LSN \(recovery.lastLSN), but every page had been made durable")
                }
            } else {
                Issue.record("\(here): no recovery line on stderr: \(child.error)")
            }
            let observed = expected.observe(calls: held, nextLSN: ready.lsn)
            for problem in observed.problems { Issue.record("\(here): \(ready): \(problem)") }
            lost += observed.lost
            summary.droppedAcks += observed.dropped
            // The pages are durable once an `always` writer made them (each creation synced before its
            // ready line) or recovery found them; a killed `batched` or `none` writer may lose them.
            if round.mode == .always || (recovery?.lastLSN ?? 0) >= UInt64(pages) { expected.pagesComplete = true }

            // Its acks are the next calls with their delta ids and LSNs.
            if let problem = checkAcks(output.acks, after: held, lsnOffset: expected.lsnOffset, workload: &workload) {
                Issue.record("\(here): \(problem)")
            }
            let last = output.acks.last?.call ?? held
            summary.acks += UInt64(output.acks.count)
            if round.mode == .always {
                summary.alwaysAcks += UInt64(output.acks.count)
                expected.durable = max(expected.durable, last)
            }
            expected.acked = last
            let acked = output.acks.isEmpty ? "no acks" : "acks \(held + 1)…\(last)"
            if child.killed {
                // At most the call in flight beyond the last ack; a writer that acked all its
                // `--calls` was closing, and may have written its checkpoint marker.
                var finished = false
                if case .raced(let calls, _) = round.end {
                    summary.racedRoundsKilled += 1
                    finished = last == held + UInt64(calls)
                }
                expected.calls = (round.mode == .always ? last : held)...(finished ? last : last + 1)
                expected.markerMaybeAt = finished ? last : nil
                history.append("\(round): \(ready), \(acked), killed\(finished ? " while closing" : "")")
            } else {
                // A clean exit: every call acked, the store closed with a checkpoint marker.
                let calls: Int
                switch round.end {
                case .clean(let count): calls = count; summary.cleanRounds += 1
                case .raced(let count, _): calls = count; summary.racedRoundsExited += 1
                case .kill, .early: calls = 0
                }
                #expect(last == held + UInt64(calls), "\(here): exited after \(acked), expected \(calls) calls")
                expected.calls = last...last
                expected.lsnOffset += 1
                expected.pagesComplete = true  // the close synced them
                history.append("\(round): \(ready), \(acked), exited")
            }
        }

        // Reopen in this process: every call acked under `always` is there, the state is the replay
        // of exactly the calls it holds, and nothing needed salvage.
        let here = context("final open")
        let bus: StateBus
        do {
            bus = try StateBus.open(at: store, options: StoreOptions(durability: .always))
        } catch {
            Issue.record("\(here): reopening failed: \(error)")
            return
        }
        let report = try #require(bus.recoveryReport)
        count(report, in: &summary)
        #expect(report.salvaged == nil, "\(here): \(report)")
        let recoveredDelta = bus.nextDeltaID.rawValue - 1
        let recoveredPages = bus.pages().count
        guard let calls = workload.call(endingAt: recoveredDelta) else {
            Issue.record("\(here): recovered next delta id \(recoveredDelta + 1) falls inside a call: a mix, not a prefix; \(report)")
            try bus.close()
            return
        }
        let observed = expected.observe(calls: calls, nextLSN: expected.pagesComplete ? bus.nextLSN?.rawValue : nil)
        for problem in observed.problems { Issue.record("\(here): \(problem); \(report)") }
        lost += observed.lost
        summary.droppedAcks += observed.dropped
        if !expected.pagesComplete {
            #expect(calls == 0 && report.lastLSN == LSN(UInt64(recoveredPages)), "\(here): \(report); \(recoveredPages) pages, \(calls) calls")
        }
        let model = try snapshot(model(seed: seed, pages: pages, calls: calls, createdPages: expected.pagesComplete ? pages : recoveredPages))
        let recovered = try snapshot(bus)
        #expect(recovered == model, "\(here): recovered state differs from the replay of \(calls) calls: \(difference(recovered, model))")
        try bus.close()
    }
}
