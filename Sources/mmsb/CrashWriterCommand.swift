import ArgumentParser
import MMSB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `mmsb crash-writer`: a test tool that writes a reproducible workload to a store until it is killed.
///
/// The crash-recovery tests start it as a child process, read its `ack` lines, kill it with `SIGKILL`
/// at a random moment, reopen the store and compare what recovery kept with what was acknowledged.
/// It is hidden from `mmsb --help`.
struct CrashWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-writer",
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
            """,
        shouldDisplay: false
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

/// Why the crash writer refuses a store.
enum CrashWriterError: Error, CustomStringConvertible {
    /// The store's pages are not the workload's pages.
    case wrongPages(found: Int, sizes: [Int], expected: Int)
    /// The store's delta count does not end on a call boundary of this seed's workload.
    case foreignHistory(deltas: UInt64, seed: UInt64)

    var description: String {
        switch self {
        case .wrongPages(let found, let sizes, let expected):
            let shown = sizes.prefix(8).map(String.init).joined(separator: ", ")
            return "the store holds \(found) pages (sizes \(shown)\(sizes.count > 8 ? ", …" : "")); "
                + "the crash writer needs \(expected) pages of \(CrashWorkload.pageSize) bytes"
        case .foreignHistory(let deltas, let seed):
            return "the store's \(deltas) deltas are not a whole number of calls of the crash-writer workload with seed \(seed)"
        }
    }
}

/// The crash writer's workload: call k is a pure function of (seed, k), so a test can replay exactly
/// the calls a store recovered.
enum CrashWorkload {
    /// Bytes in every workload page.
    static let pageSize = 64
    /// The most pages a workload may use.
    static let maximumPages = 4_096

    /// One ranged write: `page` is an index into the workload's pages, not a page id.
    struct Write: Equatable, Sendable {
        var page: Int
        var offset: Int
        var bytes: [UInt8]
    }

    /// One call to the bus: a single `write`, or a `WriteBatch` of 2 to 8 writes.
    enum Call: Equatable, Sendable {
        case single(Write)
        case batch([Write])

        /// Deltas the call makes, so delta ids it uses.
        var deltaCount: Int {
            switch self {
            case .single: 1
            case .batch(let writes): writes.count
            }
        }
    }

    /// Call `k` (from 1) of the workload with `seed` over `pages` pages.
    static func call(_ k: UInt64, seed: UInt64, pages: Int) -> Call {
        // Mix k before combining it with the seed, so nearby calls and nearby seeds share no draws.
        var keyed = SplitMix64(seed: k)
        var random = SplitMix64(seed: seed ^ keyed.next())
        if random.next() % 2 == 0 { return .single(write(pages: pages, random: &random)) }
        let count = 2 + Int(random.next() % 7)
        return .batch((0..<count).map { _ in write(pages: pages, random: &random) })
    }

    private static func write(pages: Int, random: inout SplitMix64) -> Write {
        let page = Int(random.next() % UInt64(pages))
        // Mostly short writes, now and then up to the whole page.
        let length = random.next() % 8 == 0 ? 1 + Int(random.next() % UInt64(pageSize)) : 1 + Int(random.next() % 16)
        let offset = Int(random.next() % UInt64(pageSize - length + 1))
        let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return Write(page: page, offset: offset, bytes: bytes)
    }

    /// The number of calls whose deltas end exactly before `nextDeltaID`, or `nil` when `nextDeltaID`
    /// falls inside a call (a state no prefix of the workload has).
    static func call(after nextDeltaID: DeltaID, seed: UInt64, pages: Int) -> UInt64? {
        guard nextDeltaID.rawValue >= 1 else { return nil }
        let deltas = nextDeltaID.rawValue - 1
        var k: UInt64 = 0
        var total: UInt64 = 0
        while total < deltas {
            k += 1
            total += UInt64(call(k, seed: seed, pages: pages).deltaCount)
        }
        return total == deltas ? k : nil
    }

    /// The id of the last delta of calls 1 through `k`.
    static func lastDeltaID(ofCall k: UInt64, seed: UInt64, pages: Int) -> DeltaID {
        var total: UInt64 = 0
        var index: UInt64 = 0
        while index < k {
            index += 1
            total += UInt64(call(index, seed: seed, pages: pages).deltaCount)
        }
        return DeltaID(total)
    }

    /// The workload's page ids in `bus`, creating pages up to `count` when no delta has been written yet.
    ///
    /// - Throws: ``CrashWriterError/wrongPages(found:sizes:expected:)`` when the store holds other pages.
    static func preparePages(of bus: StateBus, count: Int) throws -> [PageID] {
        let existing = bus.pages()
        let sizes = existing.map(\.size)
        let fits = existing.count <= count && sizes.allSatisfy { $0 == pageSize }
            && (existing.count == count || bus.nextDeltaID == DeltaID(1))
        guard fits else { throw CrashWriterError.wrongPages(found: existing.count, sizes: sizes, expected: count) }
        var ids = existing.map(\.id)
        while ids.count < count { ids.append(try bus.createPage(size: pageSize)) }
        return ids
    }

    /// Applies `call` to `bus` and returns the id of its last delta.
    @discardableResult
    static func apply(_ call: Call, to bus: StateBus, pages: [PageID]) throws -> DeltaID {
        switch call {
        case .single(let write):
            return try bus.write(page: pages[write.page], offset: write.offset, bytes: write.bytes).delta
        case .batch(let writes):
            var batch = WriteBatch(capacity: writes.count, payloadCapacity: writes.reduce(0) { $0 + $1.bytes.count })
            for write in writes { batch.write(page: pages[write.page], offset: write.offset, bytes: write.bytes) }
            // A batch of 2 to 8 writes is never empty, so it always has a last id.
            return try bus.apply(batch).deltas?.upperBound ?? .unassigned
        }
    }
}
