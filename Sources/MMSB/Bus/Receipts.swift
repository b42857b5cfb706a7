/// What a bus did with one write: the id it gave the delta and the page's new epoch.
public struct WriteReceipt: Equatable, Sendable {
    /// The id of the applied delta.
    public let delta: DeltaID
    /// The page written.
    public let page: PageID
    /// The page's epoch after the write.
    public let epoch: Epoch
    /// Deltas the write's propagation wave applied to dependent pages (ids right after `delta`).
    public var propagated: Int = 0
}

/// What a bus did with a batch: its deltas got the consecutive ids `deltas`.
public struct BatchReceipt: Equatable, Sendable {
    /// Ids of the applied deltas, in batch order; empty for an empty batch.
    public let deltas: ClosedRange<DeltaID>?
    /// Deltas the batch's propagation wave applied to dependent pages (ids right after `deltas`).
    public var propagated: Int = 0
    /// Deltas applied.
    public var count: Int { deltas.map { Int($0.upperBound.rawValue - $0.lowerBound.rawValue) + 1 } ?? 0 }
}

/// A page as seen from outside: identity, size, location, epoch, metadata and dirty state.
public struct PageInfo: Equatable, Sendable, CustomStringConvertible {
    public let id: PageID
    /// Bytes in the page.
    public let size: Int
    public let location: PageLocation
    public let epoch: Epoch
    public let metadata: PageMetadata
    /// 64-byte chunks written since the dirty bits were last cleared.
    public let dirtyChunks: Int

    public var description: String {
        "page \(id): \(size) bytes, \(location), epoch \(epoch), \(metadata.count) metadata entries, \(dirtyChunks) dirty chunks"
    }
}
