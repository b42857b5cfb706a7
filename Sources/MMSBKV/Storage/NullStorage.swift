/// A storage without bytes, for tests of pool logic: reads give zeros, writes and fills are
/// dropped, bounds are still checked (Dynamo's test-only `NullDeviceStorage`). It allocates nothing,
/// so a pool of a million blocks costs no memory.
public final class NullStorage: KVStorage {
    public let byteCount: Int

    /// A null storage that claims `byteCount` bytes.
    ///
    /// - Throws: ``StorageError/invalidConfiguration(_:)`` for a negative size.
    public init(byteCount: Int) throws(StorageError) {
        guard byteCount >= 0 else { throw .invalidConfiguration("a storage size cannot be negative (\(byteCount))") }
        self.byteCount = byteCount
    }

    public var kind: StorageKind { .null }
    public var alignment: Int { 4096 }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, buffer.count)
        guard let base = buffer.baseAddress else { return }
        base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, bytes.count)
    }

    public func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        try checkBounds(offset, count)
    }
}
