import Foundation
import MMSB
import Testing
@testable import CrashWriter
@testable import mmsb

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts crash writers, kills them, and checks what recovery kept: single kills, and kill → restart →
/// kill sequences (see ``CrashRecoveryTests`` for the counts and the big run).
enum CrashHarness {
    /// One `ack <delta> <lsn> <call>` line.
    struct Ack: Equatable {
        var delta: UInt64
        var lsn: UInt64
        var call: UInt64

        init?(_ line: String) {
            let fields = line.split(separator: " ")
            guard fields.count == 4, fields[0] == "ack", let delta = UInt64(fields[1]), let lsn = UInt64(fields[2]),
                let call = UInt64(fields[3])
            else { return nil }
            (self.delta, self.lsn, self.call) = (delta, lsn, call)
        }
    }

    /// One `ready <next call> <next delta id> <next lsn>` line.
    struct Ready: Equatable, CustomStringConvertible {
        var call: UInt64
        var delta: UInt64
        var lsn: UInt64

        init?(_ line: String) {
            let fields = line.split(separator: " ")
            guard fields.count == 4, fields[0] == "ready", let call = UInt64(fields[1]), call >= 1,
                let delta = UInt64(fields[2]), let lsn = UInt64(fields[3])
            else { return nil }
            (self.call, self.delta, self.lsn) = (call, delta, lsn)
        }

        var description: String { "ready \(call) \(delta) \(lsn)" }
    }

    /// What a writer printed on stdout: its ready line, its acks, and lines that were not well formed.
    struct WriterOutput {
        var ready: Ready?
        var acks: [Ack] = []
        var problems: [String] = []

        init(_ text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (number, line) in lines.enumerated() where !line.isEmpty {
                if number == 0, let ready = Ready(line) {
                    self.ready = ready
                } else if ready != nil, let ack = Ack(line) {
                    acks.append(ack)
                } else if number != lines.count - 1 {
                    // The last line may have been cut by the kill; any other must parse.
                    problems.append("malformed line \(number): \(line)")
                }
            }
        }

        /// The last call acknowledged, or the calls the store held at ready when there was no ack.
        var lastCall: UInt64? { acks.last?.call ?? ready.map { $0.call - 1 } }
    }

    /// The `recovery <last lsn> torn <bytes|-> unfinished <bytes|->` line of `--report-recovery`.
    struct RecoveryLine {
        var lastLSN: UInt64
        var tornTail: Bool
        var unfinishedSegment: Bool

        init?(stderr: String) {
            guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("recovery ") }) else { return nil }
            let fields = line.split(separator: " ")
            guard fields.count == 6, let lsn = UInt64(fields[1]), fields[2] == "torn", fields[4] == "unfinished" else { return nil }
            (lastLSN, tornTail, unfinishedSegment) = (lsn, fields[3] != "-", fields[5] != "-")
        }
    }

    /// A page as compared: id, size, epoch and bytes.
    struct PageState: Equatable, CustomStringConvertible {
        var id: UInt64
        var size: Int
        var epoch: UInt64
        var bytes: [UInt8]

        var description: String { "page \(id) (\(size) bytes, epoch \(epoch)): \(bytes.map { String($0, radix: 16) }.joined(separator: " "))" }
    }

    /// What the trials and sequences of one test saw.
    struct Summary {
        var trials = 0
        /// Calls acknowledged by each single trial.
        var ackedCalls: [UInt64] = []
        /// Acks printed in all trials and rounds, and those under `always`.
        var acks: UInt64 = 0
        var alwaysAcks: UInt64 = 0
        /// Calls acknowledged under `always` that recovery did not keep: must stay 0.
        var lostAcks: UInt64 = 0
        var trialsLosingAcks = 0
        var mostLostInATrial: UInt64 = 0
        /// Calls acknowledged under `none` or `batched` that a kill took (allowed).
        var droppedAcks: UInt64 = 0
        var tornTails = 0
        var unfinishedSegments = 0
        var killedBeforeReady = 0
        var sequences = 0
        var rounds = 0
        var killedRounds = 0
        var alwaysKilledRounds = 0
        var cleanRounds = 0
        var racedRoundsKilled = 0
        var racedRoundsExited = 0

        var medianAcked: UInt64 {
            guard !ackedCalls.isEmpty else { return 0 }
            let sorted = ackedCalls.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }

        /// Kills of a writer in `always` mode: single trials in that mode plus killed `always` rounds.
        func alwaysKills(mode: CrashWriterCommand.Mode) -> Int { (mode == .always ? trials : 0) + alwaysKilledRounds }

        mutating func lose(_ lost: UInt64) {
            guard lost > 0 else { return }
            lostAcks += lost
            trialsLosingAcks += 1
            mostLostInATrial = max(mostLostInATrial, lost)
        }

        func line(mode: CrashWriterCommand.Mode, settings: CrashSettings, seconds: Double) -> String {
            var text = "crash-recovery \(mode.rawValue): trials \(trials + sequences) (\(trials) single kills, \(sequences) sequences)"
            if sequences > 0 {
                text += ", rounds \(rounds) (\(killedRounds) killed, \(alwaysKilledRounds) of them under always; \(cleanRounds) clean exits; "
                    + "raced exits \(racedRoundsExited) exited, \(racedRoundsKilled) killed)"
            }
            text += ", kill -9s under always \(alwaysKills(mode: mode)), acknowledged calls \(acks) (\(alwaysAcks) under always)"
            text += ", lost acknowledged calls \(lostAcks) in \(trialsLosingAcks) trials (at most \(mostLostInATrial) in one)"
            if droppedAcks > 0 { text += ", acks dropped by none/batched kills \(droppedAcks)" }
            text += "; single trials: median acked calls \(medianAcked) (min \(ackedCalls.min() ?? 0), max \(ackedCalls.max() ?? 0))"
            text += "; torn tails \(tornTails), unfinished segments \(unfinishedSegments), killed before ready \(killedBeforeReady)"
            text += "; MMSB_CRASH_SEED=\(settings.seedOffset), \(String(format: "%.1f", seconds)) s"
            return text
        }
    }

    /// Runs `trials` kill-and-recover trials and `sequences` kill → restart sequences, and prints a summary line.
    static func run(mode: CrashWriterCommand.Mode, trials: Int, sequences: Int = 0, baseSeed: UInt64, settings: CrashSettings) throws -> Summary {
        let start = ContinuousClock.now
        var summary = Summary()
        for index in 0..<trials {
            try trial(mode: mode, seed: baseSeed + settings.seedOffset + UInt64(index), summary: &summary)
        }
        for index in 0..<sequences {
            // Sequence seeds sit far from the single trials', so the two never share a workload.
            let seed = baseSeed + 0x8000_0000 + settings.seedOffset + UInt64(index)
            try sequence(seed: seed, plan: index < fixedPlans.count ? fixedPlans[index] : plan(seed: seed), summary: &summary)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(summary.line(mode: mode, settings: settings, seconds: seconds))
        return summary
    }

    // MARK: Single kills

    /// One trial: start the writer on a fresh store, kill it, reopen, compare, append, reopen, compare.
    ///
    /// One trial in ten is `early`: killed 0–40 ms after the start, often while the store or its pages
    /// are being created; the others 20–150 ms after the writer said it was ready.
    private static func trial(mode: CrashWriterCommand.Mode, seed: UInt64, summary: inout Summary) throws {
        let directory = ScratchDirectory()
        let store = directory.path + "/store"
        let early = seed % 10 == 9
        var random = SplitMix64(seed: seed ^ 0x5EED_CAFE)
        let delay = early ? Double(random.next() % 41) / 1_000 : Double(20 + random.next() % 131) / 1_000
        let context = "trial seed \(seed), mode \(mode.rawValue), kill after \(Int(delay * 1_000)) ms\(early ? " from start" : " from ready")"

        let child = try killedChild(
            writerArguments(store: store, mode: mode, seed: seed),
            errorFile: directory.path + "/stderr.txt", delay: delay, afterReady: !early)
        summary.trials += 1
        #expect(child.killed, "\(context): the writer was not killed by SIGKILL; status \(child.status), stderr: \(child.error)")
        if !child.sawReady { summary.killedBeforeReady += 1 }
        if !early { #expect(child.sawReady, "\(context): the writer never said ready; stderr: \(child.error)") }

        // The acknowledgements must be well formed: calls 1, 2, 3, … with their delta ids and LSNs.
        let pages = CrashRecoveryTests.pages
        let output = WriterOutput(child.output)
        for problem in output.problems { Issue.record("\(context): \(problem)") }
        if let ready = output.ready {
            #expect(ready.description == "ready 1 1 \(pages + 1)", "\(context): unexpected ready line \(ready)")
        }
        var calls = Workload(seed: seed, pages: pages)
        if let problem = checkAcks(output.acks, after: 0, lsnOffset: UInt64(pages) + 1, workload: &calls) {
            Issue.record("\(context): \(problem)")
        }
        let ackedCalls = output.acks.last?.call ?? 0
        let ackedDelta = output.acks.last?.delta ?? 0
        summary.ackedCalls.append(ackedCalls)
        summary.acks += UInt64(output.acks.count)
        if mode == .always { summary.alwaysAcks += UInt64(output.acks.count) }

        // Reopen in this process: this is recovery after a crash.
        let options = StoreOptions(durability: mode.durability)
        let bus: StateBus
        do {
            bus = try StateBus.open(at: store, options: options)
        } catch {
            Issue.record("\(context): reopening after the kill failed: \(error); acked call \(ackedCalls), delta \(ackedDelta)")
            return
        }
        let report = try #require(bus.recoveryReport)
        count(report, in: &summary)
        #expect(report.salvaged == nil, "\(context): \(report)")
        let recoveredDelta = bus.nextDeltaID.rawValue - 1
        let recoveredPages = bus.pages().count

        // (a) Nothing acknowledged is lost under `always`.
        guard let recoveredCalls = calls.call(endingAt: recoveredDelta) else {
            Issue.record("\(context): recovered next delta id \(recoveredDelta + 1) falls inside a call: a mix, not a prefix; acked delta \(ackedDelta); \(report)")
            return
        }
        if recoveredCalls < ackedCalls {
            if mode == .always { summary.lose(ackedCalls - recoveredCalls) } else { summary.droppedAcks += ackedCalls - recoveredCalls }
        }
        if mode == .always {
            #expect(recoveredDelta >= ackedDelta, "\(context): acked delta \(ackedDelta) (call \(ackedCalls)) but recovered only up to delta \(recoveredDelta) (call \(recoveredCalls)); \(report)")
        }
        #expect(recoveredCalls <= ackedCalls + 1, "\(context): recovered \(recoveredCalls) calls, more than the \(ackedCalls) acked and one in flight")
        // Record density: one record per page creation and per call, none missing, none extra.
        #expect(report.lastLSN == LSN(UInt64(recoveredPages) + recoveredCalls), "\(context): \(report); \(recoveredPages) pages, \(recoveredCalls) calls")
        #expect(recoveredCalls == 0 || recoveredPages == pages, "\(context): \(recoveredPages) pages after \(recoveredCalls) calls")

        // (b) The state is exactly the replay of the first `recoveredCalls` calls.
        let createdPages = recoveredCalls == 0 ? min(recoveredPages, pages) : pages
        let expected = try snapshot(model(seed: seed, pages: pages, calls: recoveredCalls, createdPages: createdPages))
        let recovered = try snapshot(bus)
        #expect(recovered == expected, "\(context): recovered state differs from the replay of \(recoveredCalls) calls: \(difference(recovered, expected))")

        // A7: append after recovery, reopen: the new calls follow the recovered ones.
        let appended: UInt64 = 5
        let pageIDs = try CrashWorkload.preparePages(of: bus, count: pages)
        for k in (recoveredCalls + 1)...(recoveredCalls + appended) {
            try CrashWorkload.apply(calls.call(k), to: bus, pages: pageIDs)
        }
        try bus.close()
        let again = try StateBus.open(at: store, options: options)
        #expect(again.recoveryReport?.tornTail == nil, "\(context): second open: \(String(describing: again.recoveryReport))")
        #expect(
            try snapshot(again) == snapshot(model(seed: seed, pages: pages, calls: recoveredCalls + appended)),
            "\(context): after appending \(appended) calls to the recovered store")
        try again.close()
    }

    /// The writer's arguments for `store`, with `extra` options.
    static func writerArguments(store: String, mode: CrashWriterCommand.Mode, seed: UInt64, extra: [String] = []) -> [String] {
        [store, "--durability", mode.rawValue, "--pages", "\(CrashRecoveryTests.pages)", "--seed", "\(seed)"] + extra
    }

    /// `nil` when `acks` are calls `after + 1`, `after + 2`, … with their last delta ids and LSNs
    /// `call + lsnOffset - 1`; otherwise what is wrong with the first bad one.
    static func checkAcks(_ acks: [Ack], after: UInt64, lsnOffset: UInt64, workload: inout Workload) -> String? {
        for (position, ack) in acks.enumerated() {
            let k = after + UInt64(position + 1)
            let delta = workload.lastDelta(ofCall: k)
            let lsn = k + lsnOffset - 1
            guard ack.call == k, ack.delta == delta, ack.lsn == lsn else {
                return "ack \(position + 1) is \(ack), expected call \(k), delta \(delta), lsn \(lsn)"
            }
        }
        return nil
    }

    static func count(_ report: RecoveryReport, in summary: inout Summary) {
        if report.tornTail != nil { summary.tornTails += 1 }
        if report.unfinishedSegment != nil { summary.unfinishedSegments += 1 }
    }

    // MARK: Workload and model

    /// The calls of one workload, generated once and cached.
    struct Workload {
        let seed: UInt64
        let pages: Int
        private var calls: [CrashWorkload.Call] = []
        /// `ends[i]` is the last delta id of call i + 1.
        private var ends: [UInt64] = []

        init(seed: UInt64, pages: Int) {
            self.seed = seed
            self.pages = pages
        }

        private mutating func extend(to k: UInt64) {
            while UInt64(calls.count) < k {
                let call = CrashWorkload.call(UInt64(calls.count + 1), seed: seed, pages: pages)
                calls.append(call)
                ends.append((ends.last ?? 0) + UInt64(call.deltaCount))
            }
        }

        mutating func call(_ k: UInt64) -> CrashWorkload.Call {
            extend(to: k)
            return calls[Int(k - 1)]
        }

        mutating func lastDelta(ofCall k: UInt64) -> UInt64 {
            guard k > 0 else { return 0 }
            extend(to: k)
            return ends[Int(k - 1)]
        }

        /// The number of calls whose deltas end exactly at `delta`, or `nil` if `delta` is inside a call.
        mutating func call(endingAt delta: UInt64) -> UInt64? {
            guard delta > 0 else { return 0 }
            while (ends.last ?? 0) < delta { extend(to: UInt64(calls.count + 1)) }
            var low = 0
            var high = ends.count - 1
            while low < high {
                let middle = (low + high) / 2
                if ends[middle] < delta { low = middle + 1 } else { high = middle }
            }
            return ends[low] == delta ? UInt64(low + 1) : nil
        }
    }

    /// An in-memory bus with `createdPages` pages of the workload's size and its first `calls` calls applied.
    static func model(seed: UInt64, pages: Int, calls: UInt64, createdPages: Int? = nil) throws -> StateBus {
        let bus = StateBus()
        let ids = try (0..<(createdPages ?? pages)).map { _ in try bus.createPage(size: CrashWorkload.pageSize) }
        if calls > 0 {
            for k in 1...calls { try CrashWorkload.apply(CrashWorkload.call(k, seed: seed, pages: pages), to: bus, pages: ids) }
        }
        return bus
    }

    static func snapshot(_ bus: StateBus) throws -> [PageState] {
        try bus.pages().map { PageState(id: $0.id.rawValue, size: $0.size, epoch: $0.epoch.rawValue, bytes: try bus.read(page: $0.id)) }
    }

    static func difference(_ recovered: [PageState], _ expected: [PageState]) -> String {
        guard recovered.count == expected.count else {
            return "\(recovered.count) pages recovered, \(expected.count) expected (ids \(recovered.map(\.id)) vs \(expected.map(\.id)))"
        }
        for (got, want) in zip(recovered, expected) where got != want {
            return "recovered \(got); expected \(want)"
        }
        return "none"
    }

    // MARK: Child processes

    struct ChildResult {
        var status: Int32
        var killed: Bool
        var sawReady: Bool
        var output: String
        var error: String
    }

    /// Starts `CrashWriter arguments`, drains its stdout on a thread, and kills it with `SIGKILL` `delay`
    /// seconds after its start or, with `afterReady`, after its first line. A writer that exits by
    /// itself first (one given `--calls`) is not killed: `killed` is then `false`.
    static func killedChild(_ arguments: [String], errorFile: String, delay: Double, afterReady: Bool) throws -> ChildResult {
        let process = Process()
        process.executableURL = try builtExecutable("CrashWriter")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        #expect(FileManager.default.createFile(atPath: errorFile, contents: nil))
        let errorHandle = try #require(FileHandle(forWritingAtPath: errorFile))
        process.standardError = errorHandle
        let drain = OutputDrain(fd: out.fileHandleForReading.fileDescriptor)
        drain.start()
        try process.run()
        var sawReady = false
        if afterReady { sawReady = drain.waitForFirstLine(timeout: 30) }
        Thread.sleep(forTimeInterval: delay)
        // Not once it has exited: its id may already belong to another process.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        drain.childExited()
        let output = drain.finish()
        try errorHandle.close()
        let text = String(decoding: output, as: UTF8.self)
        if !afterReady { sawReady = text.hasPrefix("ready ") && text.contains("\n") }
        return ChildResult(
            status: process.terminationStatus,
            killed: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
            sawReady: sawReady,
            output: text,
            error: (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "")
    }
}

/// Reads a pipe on its own thread so the child never blocks on a full pipe buffer.
///
/// It stops at end of file, or once the child has exited and the pipe is empty (another process may
/// still hold the write end, so end of file alone is not enough).
final class OutputDrain: @unchecked Sendable {
    private let fd: Int32
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var data: [UInt8] = []
    private var sawNewline = false
    private var exited = false
    private var finished = false

    init(fd: Int32) { self.fd = fd }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.start()
    }

    private var hasExited: Bool {
        condition.lock()
        defer { condition.unlock() }
        return exited
    }

    private func loop() {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            // Read the flag before polling: if the child had exited by then, everything it wrote is
            // already in the pipe, so a poll that times out means the pipe is drained.
            let exitedBefore = hasExited
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 20)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                if exitedBefore { break }
                continue
            }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                condition.lock()
                data.append(contentsOf: chunk[0..<count])
                if !sawNewline, chunk[0..<count].contains(10) { sawNewline = true }
                condition.broadcast()
                condition.unlock()
            } else if count == 0 {
                break
            } else if errno != EINTR, errno != EAGAIN {
                break
            }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the first full line arrived; `false` if it did not within `timeout` seconds.
    func waitForFirstLine(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !sawNewline, !finished {
            if !condition.wait(until: deadline) { break }
        }
        return sawNewline
    }

    /// Tells the drain the child is gone, so an empty pipe means the end.
    func childExited() {
        condition.lock()
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the drain to stop and returns everything read.
    func finish() -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while !finished { condition.wait() }
        return data
    }
}
