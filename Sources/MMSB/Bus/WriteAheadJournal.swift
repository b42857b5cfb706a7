/// A change as the write path hands it to a journal, after validation and before it is applied.
enum JournalRecord: Sendable {
    case pageCreated(PageID, size: Int, location: PageLocation, metadata: PageMetadata)
    case pageDeleted(PageID)
    case metadataChanged(PageID, PageMetadata)
    /// Deltas stamped with their final id, epoch and timestamp, in apply order.
    case deltas([Delta])
}

/// Where a bus records every change before making it visible (law 1 of DESIGN.md).
///
/// The bus calls ``append(_:)`` under its write lock, after validating a change and before applying
/// it; if `append` throws, the change is not applied and the error reaches the caller. An in-memory bus
/// has no journal. The durable transaction log implements this seam.
protocol WriteAheadJournal: AnyObject, Sendable {
    /// Records `record` in the journal's durability mode, or throws and records nothing.
    func append(_ record: JournalRecord) throws
}
