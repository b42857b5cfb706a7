import Dispatch
import Synchronization

/// A store's write-ahead log: appends records in the durability mode asked for.
///
/// The bus appends under its write lock, so records arrive in LSN order. In `none` and `batched` modes
/// a timer writes (and in `batched` syncs) what is buffered; in `always` mode the bus calls ``sync()``
/// once per group of changes before any of them becomes visible (group commit). The first storage failure poisons the log: every later append fails
/// with ``LogError/poisoned(cause:)``, because a failed `fsync` may have lost data for good.
final class TransactionLog: WriteAheadJournal, @unchecked Sendable {
    // @unchecked Sendable is sound: `writer` is a `Locked` (a pthread mutex), `durability` is immutable, and `timer` is set
    // once in init and afterwards only cancelled, which Dispatch allows from any thread.
    let durability: Durability
    private let writer: Locked<LogWriter>
    /// Bytes of records appended since the last checkpoint (for automatic checkpoints).
    let bytesSinceCheckpoint = Atomic<Int>(0)
    private let timer: (any DispatchSourceTimer)?

    init(
        directory: String, store: StoreID, durability: Durability, segmentLimit: Int,
        nextLSN: UInt64, nextDeltaID: UInt64, timestamp: UInt64
    ) throws(LogError) {
        self.durability = durability
        writer = Locked(try LogWriter(
            directory: directory, store: store, segmentLimit: segmentLimit,
            nextLSN: nextLSN, nextDeltaID: nextDeltaID, timestamp: timestamp))
        let interval: Duration? =
            switch durability {
            case .none: .milliseconds(5)
            case .batched(let delay, _): delay
            case .always: nil
            }
        guard let interval else {
            timer = nil
            return
        }
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "mmsb.log.flusher"))
        let nanoseconds = max(1, Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000))
        source.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
        timer = source
        let sync = durability != .none
        source.setEventHandler { [weak self] in self?.flushQuietly(sync: sync) }
        source.resume()
    }

    deinit { timer?.cancel() }

    /// The LSN the next record will get.
    var nextLSN: LSN { writer.withLock { LSN($0.nextLSN) } }

    func append(_ record: JournalRecord, timestamp: UInt64) throws(LogError) {
        try appending { (writer) throws(LogError) in _ = try writer.append(record, timestamp: timestamp) }
    }

    func appendWrite(
        id: DeltaID, page: PageID, offset: Int, bytes: UnsafeRawBufferPointer, epoch: Epoch, source: DeltaSource,
        intent: String?, timestamp: UInt64
    ) throws(LogError) {
        let tag = DeltaTag(source: source, intent: intent)
        try appending { (writer) throws(LogError) in
            _ = try writer.append(.deltas, deltaCount: 1, timestamp: timestamp) { out in
                out.varint(1)
                tag.encodeRangedDelta(page: page, epoch: epoch, offset: offset, bytes: bytes, into: &out)
            }
        }
    }

    func appendBatch(_ batch: WriteBatch, firstID: DeltaID, epochs: UnsafePointer<UInt64>, timestamp: UInt64) throws(LogError) {
        try appendBatch(batch, firstID: firstID, epochs: epochs, followedBy: [], timestamp: timestamp)
    }

    func appendBatch(
        _ batch: WriteBatch, firstID: DeltaID, epochs: UnsafePointer<UInt64>, followedBy propagated: [Delta], timestamp: UInt64
    ) throws(LogError) {
        let tag = DeltaTag(source: batch.source, intent: batch.intent)
        let count = batch.count + propagated.count
        try appending { (writer) throws(LogError) in
            _ = try writer.append(.deltas, deltaCount: count, timestamp: timestamp) { out in
                out.varint(count)
                batch.forEachWrite { index, page, offset, bytes in
                    tag.encodeRangedDelta(page: page, epoch: Epoch(epochs[index]), offset: offset, bytes: bytes, into: &out)
                }
                for delta in propagated { LogRecord.Body.encode(delta, into: &out) }
            }
        }
    }

    /// Runs an append under the writer's lock, then hands bytes to the OS as the durability mode says.
    private func appending(_ body: (inout LogWriter) throws(LogError) -> Void) throws(LogError) {
        try writer.withLock { (writer) throws(LogError) in
            let before = writer.encodedBytes
            try body(&writer)
            bytesSinceCheckpoint.add(writer.encodedBytes &- before, ordering: .relaxed)
            switch durability {
            case .none:
                if writer.hasPending(atLeast: LogWriter.bufferLimit) { try writer.flush(sync: false) }
            case .batched(_, let maxBytes):
                if writer.hasPending(atLeast: maxBytes) { try writer.flush(sync: true) }
            case .always:
                // The bus's group commit syncs once for every change of a group (``StateBus/commit(_:)``).
                break
            }
        }
    }

    /// Seals the active segment and starts a new one at the next LSN (before a checkpoint, so that every
    /// older segment is wholly covered by it).
    func rotate() throws(LogError) {
        try writer.withLock { (writer) throws(LogError) in try writer.rotateNow() }
        bytesSinceCheckpoint.store(0, ordering: .relaxed)
    }

    /// Writes and syncs everything appended so far.
    func sync() throws(LogError) {
        try writer.withLock { (writer) throws(LogError) in try writer.flush(sync: true) }
    }

    /// Stops the flusher, writes and syncs what is buffered, and closes the active segment; returns the
    /// last LSN of the log when all of it is durable (`nil` after a storage failure, or when closed).
    func close() throws(LogError) -> UInt64? {
        timer?.cancel()
        return try writer.withLock { (writer) throws(LogError) -> UInt64? in try writer.close() }
    }

    /// The timer's flush: a failure poisons the writer, and the next append reports it.
    private func flushQuietly(sync: Bool) {
        writer.withLock { writer in _ = try? writer.flush(sync: sync) }
    }
}
