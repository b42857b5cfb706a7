/// Ordinary host memory for a tier (Dynamo's `SystemStorage`): zero-filled, page aligned (or more).
///
/// ```swift
/// let storage = try SystemStorage(byteCount: layout.requiredBytes, alignment: layout.config.alignment)
/// ```
public final class SystemStorage: HostMemoryStorage {
    private let mapping: HostMapping
    public let alignment: Int

    /// Allocates `byteCount` zero-filled bytes, offset 0 aligned to max(`alignment`, page size).
    ///
    /// - Throws: ``StorageError/allocationFailed(bytes:errno:detail:)`` when the system has no memory;
    ///   ``StorageError/invalidConfiguration(_:)`` for a size below 1 or an alignment that is not a power of two.
    public init(byteCount: Int, alignment: Int = 1) throws(StorageError) {
        self.alignment = try HostMapping.storageAlignment(alignment)
        mapping = try HostMapping(byteCount: byteCount, alignment: self.alignment)
    }

    public var kind: StorageKind { .system }
    public var byteCount: Int { mapping.byteCount }
    public var baseAddress: UnsafeMutableRawPointer { mapping.pointer }
}
