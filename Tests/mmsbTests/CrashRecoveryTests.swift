import ArgumentParser
import Foundation
import MMSB
import Testing
@testable import mmsb

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-crash tests (reliability study §3.A1, A2, A7): a child `mmsb crash-writer` writes a seeded
/// workload and acknowledges each call on stdout; the test kills it with `SIGKILL` at a random moment,
/// reopens the store in-process and compares it with an in-memory bus that replayed the same calls.
@Suite(.serialized) struct CrashRecoveryTests {
    /// Pages the workload writes to.
    static let pages = 8

    @Test func alwaysLosesNoAcknowledgedCall() throws {
        let summary = try CrashHarness.run(mode: .always, trials: 50, baseSeed: 0xA1_0000)
        #expect(summary.lostAcks == 0)
        #expect(summary.trials == 50)
    }

    @Test func batchedRecoversAPrefixOfTheCalls() throws {
        let summary = try CrashHarness.run(mode: .batched, trials: 10, baseSeed: 0xB2_0000)
        #expect(summary.trials == 10)
    }

    @Test func noneRecoversAPrefixOfTheCalls() throws {
        let summary = try CrashHarness.run(mode: .none, trials: 10, baseSeed: 0xC3_0000)
        #expect(summary.trials == 10)
    }

    /// Without a kill the writer stops after `--calls`, closes the store, and a second run continues the
    /// same sequence where the log ends.
    @Test func writerStopsAfterCallsAndContinuesTheSequence() throws {
        let directory = ScratchDirectory()
        let store = directory.path + "/store"
        let seed: UInt64 = 77
        let first = try CrashHarness.runToEnd(["crash-writer", store, "--durability", "none", "--pages", "3", "--seed", "\(seed)", "--calls", "25"])
        #expect(first.status == 0, "stderr: \(first.error)")
        let firstLines = first.output.split(separator: "\n").map(String.init)
        #expect(firstLines.first == "ready 1 1 4")
        #expect(firstLines.count == 26)
        let acks = firstLines.dropFirst().compactMap(CrashHarness.Ack.init)
        #expect(acks.map(\.call) == Array(1...25))
        #expect(acks.map(\.lsn) == (1...25).map { UInt64(3) + $0 })
        #expect(acks.last?.delta == CrashWorkload.lastDeltaID(ofCall: 25, seed: seed, pages: 3).rawValue)

        let second = try CrashHarness.runToEnd(["crash-writer", store, "--durability", "always", "--pages", "3", "--seed", "\(seed)", "--calls", "10"])
        #expect(second.status == 0, "stderr: \(second.error)")
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
        let result = try CrashHarness.runToEnd(["crash-writer", directory.path + "/store"] + options)
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
        let notAStore = try CrashHarness.runToEnd(["crash-writer", file, "--calls", "1"])
        #expect(notAStore.status != 0)
        #expect(notAStore.error.contains("Error: \(file) is not an MMSB store"))

        // A store written with another page count, and with another seed.
        let store = directory.path + "/store"
        let made = try CrashHarness.runToEnd(["crash-writer", store, "--pages", "3", "--seed", "5", "--calls", "4"])
        #expect(made.status == 0, "stderr: \(made.error)")
        let otherPages = try CrashHarness.runToEnd(["crash-writer", store, "--pages", "4", "--seed", "5", "--calls", "1"])
        #expect(otherPages.status != 0)
        #expect(otherPages.error.contains("Error: the store holds 3 pages"))
        let seedSix = CrashWorkload.lastDeltaID(ofCall: 4, seed: 5, pages: 3).rawValue
        // Another seed may by chance put a call boundary at the same delta; only a mismatch must be an error.
        if CrashWorkload.call(after: DeltaID(seedSix + 1), seed: 6, pages: 3) == nil {
            let otherSeed = try CrashHarness.runToEnd(["crash-writer", store, "--pages", "3", "--seed", "6", "--calls", "1"])
            #expect(otherSeed.status != 0)
            #expect(otherSeed.error.contains("are not a whole number of calls"))
        }
        for result in [notAStore, otherPages] {
            #expect(!result.error.contains("Fatal error"))
            #expect(result.error.split(separator: "\n").count == 1)
        }
    }

    @Test func isHiddenFromHelpButParses() throws {
        let help = try CrashHarness.runToEnd(["--help"])
        #expect(help.status == 0)
        #expect(!help.output.contains("crash-writer"))
        let command = try #require(
            try MMSBCommand.parseAsRoot(["crash-writer", "/tmp/x", "--durability", "batched", "--pages", "5", "--seed", "9"])
                as? CrashWriterCommand)
        #expect(command.durability == .batched)
        #expect(command.pages == 5)
        #expect(command.seed == 9)
        #expect(command.calls == nil)
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

/// Starts crash writers, kills them, and checks what recovery kept.
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

    /// A page as compared: id, size, epoch and bytes.
    struct PageState: Equatable, CustomStringConvertible {
        var id: UInt64
        var size: Int
        var epoch: UInt64
        var bytes: [UInt8]

        var description: String { "page \(id) (\(size) bytes, epoch \(epoch)): \(bytes.map { String($0, radix: 16) }.joined(separator: " "))" }
    }

    /// What the trials of one mode saw.
    struct Summary {
        var trials = 0
        var ackedCalls: [UInt64] = []
        var lostAcks: UInt64 = 0
        var trialsLosingAcks = 0
        var mostLostInATrial: UInt64 = 0
        var tornTails = 0
        var killedBeforeReady = 0

        var medianAcked: UInt64 {
            guard !ackedCalls.isEmpty else { return 0 }
            let sorted = ackedCalls.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }

    /// Runs `trials` kill-and-recover trials with the writer in `mode` and prints a summary line.
    static func run(mode: CrashWriterCommand.Mode, trials: Int, baseSeed: UInt64) throws -> Summary {
        var summary = Summary()
        for index in 0..<trials {
            try trial(mode: mode, seed: baseSeed + UInt64(index), early: index % 10 == 9, summary: &summary)
        }
        print("""
            crash-recovery \(mode.rawValue): trials \(summary.trials), median acked calls \(summary.medianAcked) \
            (min \(summary.ackedCalls.min() ?? 0), max \(summary.ackedCalls.max() ?? 0)), lost acked calls \(summary.lostAcks) \
            in \(summary.trialsLosingAcks) trials (at most \(summary.mostLostInATrial) in one), torn tails \(summary.tornTails), killed before ready \(summary.killedBeforeReady)
            """)
        return summary
    }

    /// One trial: start the writer on a fresh store, kill it, reopen, compare, append, reopen, compare.
    ///
    /// `early` trials are killed 0–40 ms after the start, often while the store or its pages are
    /// being created; the others 20–150 ms after the writer said it was ready.
    private static func trial(mode: CrashWriterCommand.Mode, seed: UInt64, early: Bool, summary: inout Summary) throws {
        let directory = ScratchDirectory()
        let store = directory.path + "/store"
        var random = SplitMix64(seed: seed ^ 0x5EED_CAFE)
        let delay = early ? Double(random.next() % 41) / 1_000 : Double(20 + random.next() % 131) / 1_000
        let context = "trial seed \(seed), mode \(mode.rawValue), kill after \(Int(delay * 1_000)) ms\(early ? " from start" : " from ready")"

        let child = try killedChild(
            ["crash-writer", store, "--durability", mode.rawValue, "--pages", "\(CrashRecoveryTests.pages)", "--seed", "\(seed)"],
            errorFile: directory.path + "/stderr.txt", delay: delay, afterReady: !early)
        summary.trials += 1
        #expect(child.killed, "\(context): the writer was not killed by SIGKILL; status \(child.status), stderr: \(child.error)")
        if !child.sawReady { summary.killedBeforeReady += 1 }
        if !early { #expect(child.sawReady, "\(context): the writer never said ready; stderr: \(child.error)") }

        // The acknowledgements must be well formed: calls 1, 2, 3, … with their delta ids and LSNs.
        let pages = CrashRecoveryTests.pages
        let lines = child.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var acks: [Ack] = []
        for (number, line) in lines.enumerated() where !line.isEmpty {
            if number == 0, line.hasPrefix("ready ") {
                #expect(line == "ready 1 1 \(pages + 1)", "\(context): unexpected ready line \(line)")
                continue
            }
            // The last line may have been cut by the kill; any other must parse.
            guard let ack = Ack(line) else {
                #expect(number == lines.count - 1, "\(context): malformed line \(number): \(line)")
                continue
            }
            acks.append(ack)
        }
        var calls = Workload(seed: seed, pages: pages)
        for (position, ack) in acks.enumerated() {
            let k = UInt64(position + 1)
            let expected = calls.lastDelta(ofCall: k)
            guard ack.call == k, ack.delta == expected, ack.lsn == UInt64(pages) + k else {
                Issue.record("\(context): ack \(position + 1) is \(ack), expected call \(k), delta \(expected), lsn \(UInt64(pages) + k)")
                break
            }
        }
        let ackedCalls = acks.last?.call ?? 0
        let ackedDelta = acks.last?.delta ?? 0
        summary.ackedCalls.append(ackedCalls)

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
        if report.tornTail != nil { summary.tornTails += 1 }
        #expect(report.salvaged == nil, "\(context): \(report)")
        let recoveredDelta = bus.nextDeltaID.rawValue - 1
        let recoveredPages = bus.pages().count

        // (a) Nothing acknowledged is lost under `always`.
        guard let recoveredCalls = calls.call(endingAt: recoveredDelta) else {
            Issue.record("\(context): recovered next delta id \(recoveredDelta + 1) falls inside a call: a mix, not a prefix; acked delta \(ackedDelta); \(report)")
            return
        }
        if recoveredCalls < ackedCalls {
            summary.lostAcks += ackedCalls - recoveredCalls
            summary.trialsLosingAcks += 1
            summary.mostLostInATrial = max(summary.mostLostInATrial, ackedCalls - recoveredCalls)
        }
        if mode == .always {
            #expect(recoveredDelta >= ackedDelta, "\(context): acked delta \(ackedDelta) (call \(ackedCalls)) but recovered only up to delta \(recoveredDelta) (call \(recoveredCalls)); \(report)")
        }
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

    private static func difference(_ recovered: [PageState], _ expected: [PageState]) -> String {
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

    /// The `mmsb` executable next to the test bundle.
    static func executable() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        let candidates = [bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("mmsb") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
    }

    /// Runs `mmsb arguments` to its end.
    static func runToEnd(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let drain = OutputDrain(fd: err.fileHandleForReading.fileDescriptor)
        drain.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drain.childExited()
        let errData = drain.finish()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Starts `mmsb arguments`, drains its stdout on a thread, and kills it with `SIGKILL` `delay`
    /// seconds after its start or, with `afterReady`, after its first line.
    static func killedChild(_ arguments: [String], errorFile: String, delay: Double, afterReady: Bool) throws -> ChildResult {
        let process = Process()
        process.executableURL = try executable()
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
        kill(process.processIdentifier, SIGKILL)
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
