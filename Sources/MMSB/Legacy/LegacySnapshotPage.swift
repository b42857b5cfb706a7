/// One page of an original checkpoint.
public struct LegacySnapshotPage: Equatable, Sendable {
    /// The byte offset of the page record in the file.
    public let offset: Int
    /// The page's id. (The original let callers choose any id, 0 included; our bus reserves 0.)
    public let id: PageID
    /// The page's size in bytes: 1 … 1 GiB, and always `data.count`.
    public let size: Int
    /// The page's epoch (the original's `u32`).
    public let epoch: Epoch
    /// Where the page's bytes lived.
    public let location: PageLocation
    /// The page's metadata, in the original's order.
    public let metadata: PageMetadata
    /// The page's bytes.
    public let data: [UInt8]
}
