/// What another process needs to reach one exported block set: its shape, where its bytes are,
/// and the generation they belong to.
public struct BlocksetDescriptor: Hashable, Sendable {
    /// The block set's index in its export.
    public var index: UInt32
    /// The block shape.
    public var config: LayoutConfiguration
    /// The arrangement.
    public var layoutKind: LayoutKind
    /// ``StorageKind/sharedMemory`` or ``StorageKind/disk``.
    public var storageKind: StorageKind
    /// The shared-memory object's name, or the file's absolute path.
    public var location: String
    /// The storage's id (also in its header).
    public var storageID: UInt64
    /// The storage's generation when exported.
    public var generation: UInt64
    /// Data bytes of the storage.
    public var byteCount: UInt64

    /// The block layout described.
    public func layout() throws(LayoutError) -> BlockLayout { try BlockLayout(config: config, kind: layoutKind) }
}
