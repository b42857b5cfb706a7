#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The write side of a store's log: the active segment, the bytes not yet written to it, and the
/// counters the next record needs. A noncopyable value owned by ``TransactionLog``'s lock.
struct LogWriter: ~Copyable {
    /// In `none` mode, bytes are handed to the OS once this many are buffered.
    static let bufferLimit = 256 << 10

    let directory: String
    let store: StoreID
    let segmentLimit: Int
    private var file: PosixFile
    /// Set by ``close()``, which also closes the descriptor.
    private var closed = false
    private var header: SegmentHeader
    private var salt: UInt32
    /// Bytes of the active segment already handed to the OS.
    private var written = 0
    /// Bytes encoded but not yet written.
    private var pending = ByteWriter(capacity: 64 << 10)
    private var scratch = ByteWriter(capacity: 4 << 10)
    private(set) var nextLSN: UInt64
    private(set) var nextDeltaID: UInt64
    private var previousTimestamp: UInt64
    /// Whether written bytes await a sync.
    private var unsynced = false
    /// The first storage failure; afterwards nothing more is written.
    private(set) var failure: LogError?

    /// Starts a new segment in `directory` for record `nextLSN`.
    init(directory: String, store: StoreID, segmentLimit: Int, nextLSN: UInt64, nextDeltaID: UInt64, timestamp: UInt64) throws(LogError) {
        self.directory = directory
        self.store = store
        self.segmentLimit = segmentLimit
        self.nextLSN = nextLSN
        self.nextDeltaID = nextDeltaID
        previousTimestamp = timestamp
        header = SegmentHeader(store: store, baseLSN: nextLSN, firstDeltaID: nextDeltaID, baseTimestamp: timestamp)
        salt = header.salt
        file = try Self.createSegment(header, directory: directory)
        written = SegmentHeader.size
    }

    /// The file name of the segment whose first record is `lsn`: 20 decimal digits, so names sort by LSN.
    static func segmentName(_ lsn: UInt64) -> String {
        let digits = String(lsn)
        return String(repeating: "0", count: 20 - digits.count) + digits + ".seg"
    }

    /// The LSN a segment file name stands for, or nil for any other name.
    static func segmentLSN(fromName name: String) -> UInt64? {
        guard name.count == 24, name.hasSuffix(".seg"), name.prefix(20).allSatisfy(\.isNumber) else { return nil }
        return UInt64(name.prefix(20))
    }

    /// Creates the segment file, writes and syncs its header, and syncs the directory entry.
    private static func createSegment(_ header: SegmentHeader, directory: String) throws(LogError) -> PosixFile {
        let file = try PosixFile.open(directory + "/" + segmentName(header.baseLSN), flags: O_CREAT | O_EXCL | O_WRONLY)
        try file.write(header.encoded(), at: 0)
        try file.synchronizeData()
        try FileSystem.synchronizeDirectory(directory)
        return file
    }

    /// Encodes a record into the buffer and returns its LSN; writes nothing to the OS.
    ///
    /// - Throws: ``LogError/recordTooLarge(bytes:limit:)`` (nothing buffered), or the failure that
    ///   poisoned the log.
    mutating func append(_ body: LogRecord.Body, timestamp: UInt64) throws(LogError) -> LSN {
        let deltas = if case .deltas(let deltas) = body { deltas.count } else { 0 }
        return try append(RecordType(body), deltaCount: deltas, timestamp: timestamp) { body.encode(into: &$0) }
    }

    /// Encodes a record of `type` whose body `encodeBody` writes, holding `deltaCount` deltas.
    mutating func append(
        _ type: RecordType, deltaCount: Int, timestamp: UInt64, encodeBody: (inout ByteWriter) -> Void
    ) throws(LogError) -> LSN {
        guard !closed else { throw LogError.closed }
        if let failure { throw failure }
        guard nextLSN <= LogLimits.maximumLSN else { throw LogError.counterExhausted(counter: "LSN", limit: LogLimits.maximumLSN) }
        guard UInt64(deltaCount) <= LogLimits.maximumDeltaID + 1 - nextDeltaID else {
            throw LogError.counterExhausted(counter: "delta id", limit: LogLimits.maximumDeltaID)
        }
        if written + pending.count >= segmentLimit { try guarded { (writer: inout LogWriter) throws(LogError) in try writer.rotate(timestamp: timestamp) } }
        let lsn = nextLSN
        let before = pending.count
        try RecordFrame.encode(
            type, lsn: lsn, timestamp: timestamp, header: header, previousTimestamp: previousTimestamp,
            salt: salt, scratch: &scratch, into: &pending, body: encodeBody)
        encodedBytes += pending.count - before
        nextLSN += 1
        previousTimestamp = timestamp
        nextDeltaID += UInt64(deltaCount)
        return LSN(lsn)
    }

    /// Bytes of records encoded since the writer started; never decreases.
    private(set) var encodedBytes = 0

    /// Whether buffered bytes exceed `limit`.
    func hasPending(atLeast limit: Int) -> Bool { pending.count >= max(limit, 1) }

    /// Hands buffered bytes to the OS and, if `sync`, makes everything written durable.
    mutating func flush(sync: Bool) throws(LogError) {
        guard !closed else { throw LogError.closed }
        if let failure { throw failure }
        try guarded { (writer: inout LogWriter) throws(LogError) in try writer.writePending(sync: sync) }
    }

    private mutating func writePending(sync: Bool) throws(LogError) {
        guard !closed else { throw LogError.closed }
        if pending.count > 0 {
            try file.write(pending.bytes, at: written)
            written += pending.count
            pending.bytes.removeAll(keepingCapacity: true)
            unsynced = true
        }
        if sync, unsynced {
            try file.synchronizeData()
            unsynced = false
        }
    }

    /// Seals the active segment (written and synced) and starts the next one.
    private mutating func rotate(timestamp: UInt64) throws(LogError) {
        try writePending(sync: true)
        header = SegmentHeader(store: store, baseLSN: nextLSN, firstDeltaID: nextDeltaID, baseTimestamp: previousTimestamp)
        salt = header.salt
        file = try Self.createSegment(header, directory: directory)
        written = SegmentHeader.size
    }

    /// Seals the active segment and starts the next at the next LSN, unless the active one holds no
    /// record yet (it already starts there).
    mutating func rotateNow() throws(LogError) {
        guard !closed else { throw LogError.closed }
        if let failure { throw failure }
        guard header.baseLSN != nextLSN else { return }
        try guarded { (writer: inout LogWriter) throws(LogError) in try writer.rotate(timestamp: writer.previousTimestamp) }
    }

    /// Writes and syncs what is buffered, then closes the segment's descriptor (whatever happens);
    /// returns the last LSN in the log when all of it is durable, `nil` after a storage failure.
    mutating func close() throws(LogError) -> UInt64? {
        guard !closed else { return nil }
        defer {
            closed = true
            file.close()
        }
        guard failure == nil else { return nil }
        try flush(sync: true)
        return nextLSN - 1
    }

    /// Runs a storage operation; a failure poisons the writer (no retry: a failed fsync may have lost data).
    private mutating func guarded(_ operation: (inout LogWriter) throws(LogError) -> Void) throws(LogError) {
        do {
            try operation(&self)
        } catch {
            failure = .poisoned(cause: error.description)
            throw error
        }
    }
}
