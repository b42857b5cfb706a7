import ArgumentParser
import MMSB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `CrashWriter`: a test tool that writes a reproducible workload to a store until it is killed.
///
/// The crash-recovery tests start it as a child process, read its `ack` lines, kill it with `SIGKILL`
/// at a random moment, reopen the store and compare what recovery kept with what was acknowledged.
/// It is a test-support executable, built with the tests and never part of the `mmsb` product.
@main
struct CrashWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "CrashWriter",
        abstract: "Test tool: write a seeded workload to a store until killed, acknowledging each call on stdout.",
        discussion: """
            For crash-recovery tests, not for users. Opens (or creates) the store, creates the pages if \
            the store is empty, prints `ready <next call> <next delta id> <next lsn>`, then applies \
            calls forever: call k (1, 2, 3, …) is one write or one batch of 2 to 8 writes whose bytes \
            depend only on the seed and k. After call k returns it prints \
            `ack <last delta id> <lsn> <k>`. A store left by an earlier run with the same seed and \
            page count is continued where its log ends. With --report-recovery it first prints what \
            opening the store recovered on standard error: \
            `recovery <last lsn> torn <bytes cut or -> unfinished <bytes removed or ->`.
            """
    )

    /// The durability modes the tool can open a store with; `batched` is ``Durability/batchedDefault``.
    enum Mode: String, ExpressibleByArgument, CaseIterable, Sendable {
        case none, batched, always

        var durability: Durability {
            switch self {
            case .none: .none
            case .batched: .batchedDefault
            case .always: .always
            }
        }
    }

    @Argument(help: "The store's directory; created when missing.")
    var store: String

    @Option(name: .long, help: "When the log reaches the disk: none, batched or always.")
    var durability: Mode = .always

    @Option(name: .long, parsing: .unconditional, help: "Pages of 64 bytes the workload writes to (1 to \(CrashWorkload.maximumPages)).")
    var pages: Int = 8

    @Option(name: .long, parsing: .unconditional, help: "The workload's seed.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Stop after this many calls, close the store and exit (default: run until killed).")
    var calls: Int?

    @Option(name: .long, parsing: .unconditional, help: "Limit every file this process writes to this many bytes, so writes fail as on a full disk.")
    var fileSizeLimit: Int?

    @Flag(name: .long, help: "Print what opening the store recovered (last LSN, torn tail, unfinished segment) on standard error.")
    var reportRecovery = false

    func validate() throws {
        guard (1...CrashWorkload.maximumPages).contains(pages) else {
            throw ValidationError("--pages must be 1 to \(CrashWorkload.maximumPages), not \(pages)")
        }
        if let calls, calls < 0 { throw ValidationError("--calls must not be negative, not \(calls)") }
        if let fileSizeLimit, fileSizeLimit < 4_096 { throw ValidationError("--file-size-limit must be at least 4096, not \(fileSizeLimit)") }
    }

    func run() throws {
        // A parent that stops reading must not kill us with SIGPIPE; a failed write ends the loop instead.
        signal(SIGPIPE, SIG_IGN)
        if let fileSizeLimit {
            // Writes past the limit then fail with EFBIG (instead of SIGXFSZ killing us), as on a full disk.
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: rlim_t(fileSizeLimit), rlim_max: rlim_t(fileSizeLimit))
            setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
        }
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: durability.durability))
        if reportRecovery, let report = bus.recoveryReport {
            let torn = report.tornTail.map { String($0.bytesDropped) } ?? "-"
            let unfinished = report.unfinishedSegment.map { String($0.bytesDropped) } ?? "-"
            _ = Self.emit("recovery \(report.lastLSN.rawValue) torn \(torn) unfinished \(unfinished)", to: STDERR_FILENO)
        }
        let pageIDs = try CrashWorkload.preparePages(of: bus, count: pages)
        guard var k = CrashWorkload.call(after: bus.nextDeltaID, seed: seed, pages: pages) else {
            throw CrashWriterError.foreignHistory(deltas: bus.nextDeltaID.rawValue - 1, seed: seed)
        }
        guard Self.emit("ready \(k + 1) \(bus.nextDeltaID) \(Self.text(bus.nextLSN))") else { return }
        var done = 0
        while calls.map({ done < $0 }) ?? true {
            k += 1
            let call = CrashWorkload.call(k, seed: seed, pages: pages)
            let last = try CrashWorkload.apply(call, to: bus, pages: pageIDs)
            let lsn = bus.nextLSN.map { LSN($0.rawValue - 1) }
            guard Self.emit("ack \(last) \(Self.text(lsn)) \(k)") else { return }
            done += 1
        }
        try bus.close()
    }

    private static func text(_ lsn: LSN?) -> String { lsn.map { String($0.rawValue) } ?? "-" }

    /// Writes one line to standard output (or `descriptor`) unbuffered; `false` once nobody reads it.
    private static func emit(_ line: String, to descriptor: Int32 = STDOUT_FILENO) -> Bool {
        let bytes = Array((line + "\n").utf8)
        var start = 0
        while start < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + start, buffer.count - start)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            start += written
        }
        return true
    }
}

