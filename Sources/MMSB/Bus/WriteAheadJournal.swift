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
}
