/// A change as the write path hands it to a journal, after validation and before it is applied.
typealias JournalRecord = LogRecord.Body

/// Where a bus records every change before making it visible (law 1 of DESIGN.md).
///
/// The bus calls ``append(_:timestamp:)`` under its write lock, after validating a change and before
/// applying it; if `append` throws, the change is not applied and the error reaches the caller. An
/// in-memory bus has no journal; a store opened on disk journals into its ``TransactionLog``.
protocol WriteAheadJournal: AnyObject, Sendable {
    /// Records `record`, stamped `timestamp`, in the journal's durability mode, or throws.
    func append(_ record: JournalRecord, timestamp: UInt64) throws

    /// Records one ranged write as a one-delta record (the bus's `write` fast path).
    func appendWrite(
        id: DeltaID, page: PageID, offset: Int, bytes: UnsafeRawBufferPointer, epoch: Epoch, source: DeltaSource,
        intent: String?, timestamp: UInt64
    ) throws

    /// Records a whole batch as one deltas record; write `i` takes epoch `epochs[i]`.
    func appendBatch(_ batch: WriteBatch, firstID: DeltaID, epochs: UnsafePointer<UInt64>, timestamp: UInt64) throws

    /// Records a batch and the deltas of the wave it started as one deltas record, the batch first.
    func appendBatch(
        _ batch: WriteBatch, firstID: DeltaID, epochs: UnsafePointer<UInt64>, followedBy propagated: [Delta], timestamp: UInt64
    ) throws
}

extension WriteAheadJournal {
    /// Builds the equivalent ``Delta`` and records it with ``append(_:timestamp:)``. The transaction log
    /// encodes the same bytes without building it.
    func appendWrite(
        id: DeltaID, page: PageID, offset: Int, bytes: UnsafeRawBufferPointer, epoch: Epoch, source: DeltaSource,
        intent: String?, timestamp: UInt64
    ) throws {
        try append(.deltas([Delta(
            id: id, page: page, epoch: epoch, source: source, timestamp: timestamp, intent: intent,
            runs: [DeltaRun(offset: offset, length: bytes.count)], payload: Array(bytes), extent: offset + bytes.count)]),
            timestamp: timestamp)
    }

    /// Builds the equivalent deltas and records them with ``append(_:timestamp:)``.
    func appendBatch(_ batch: WriteBatch, firstID: DeltaID, epochs: UnsafePointer<UInt64>, timestamp: UInt64) throws {
        try appendBatch(batch, firstID: firstID, epochs: epochs, followedBy: [], timestamp: timestamp)
    }

    /// Builds the equivalent deltas and records them with ``append(_:timestamp:)``.
    func appendBatch(
        _ batch: WriteBatch, firstID: DeltaID, epochs: UnsafePointer<UInt64>, followedBy propagated: [Delta], timestamp: UInt64
    ) throws {
        var deltas: [Delta] = []
        deltas.reserveCapacity(batch.count)
        batch.forEachWrite { index, page, offset, bytes in
            deltas.append(Delta(
                id: DeltaID(firstID.rawValue + UInt64(index)), page: page, epoch: Epoch(epochs[index]), source: batch.source, timestamp: timestamp,
                intent: batch.intent, runs: [DeltaRun(offset: offset, length: bytes.count)], payload: Array(bytes),
                extent: offset + bytes.count))
        }
        try append(.deltas(deltas + propagated), timestamp: timestamp)
    }
}
