/// A range of bytes a tier keeps its blocks in (Dynamo's `Storage`).
///
/// Every storage can be read and written by offset; the memory ones (``HostMemoryStorage``) can also
/// be viewed in place, and a device (``DeviceStorage``) is reached only through those explicit
/// copies. Offsets run from 0 to ``byteCount``; byte 0 is aligned to at least ``alignment``.
/// Storages are reference types that own their bytes and free them when the last reference goes.
/// Concurrent access to *disjoint* ranges is safe; who may write which range is the block pool's
/// business (a block is written only by its one mutable owner).
public protocol KVStorage: AnyObject, Sendable {
    /// Where the bytes live.
    var kind: StorageKind { get }
    /// Bytes in the storage.
    var byteCount: Int { get }
    /// The alignment of offset 0, in bytes (a power of two, at least 4096 for the built-in storages).
    var alignment: Int { get }

    /// Copies `buffer.count` bytes at `offset` into `buffer` (device to host for a device).
    ///
    /// - Throws: ``StorageError/outOfBounds(offset:count:size:)``; ``StorageError/operationFailed(operation:path:errno:)``
    ///   when the I/O fails.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError)

    /// Copies `bytes` to `offset` (host to device for a device).
    ///
    /// - Throws: ``StorageError/outOfBounds(offset:count:size:)``; ``StorageError/operationFailed(operation:path:errno:)``
    ///   when the I/O fails.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError)

    /// Sets `count` bytes at `offset` to `value` (Dynamo's bounds-checked `memset`).
    func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError)
}

/// A storage whose bytes are ordinary memory of this process, addressable in place.
public protocol HostMemoryStorage: KVStorage {
    /// The address of byte 0.
    ///
    /// Valid for as long as the storage object lives; hold a reference to the storage while using
    /// it, and never keep the pointer beyond that (the views of ``BlockSet`` do this for you).
    var baseAddress: UnsafeMutableRawPointer { get }
}

/// Accelerator memory, reached only through explicit copies: ``KVStorage/read(into:at:)`` is a
/// device-to-host copy and ``KVStorage/write(_:at:)`` a host-to-device one. A CUDA backend
/// implements this protocol; until then ``SimulatedDeviceStorage`` keeps "device" bytes in host
/// memory behind the same copies, so every tier path runs in CI.
public protocol DeviceStorage: KVStorage {
    /// The device's index.
    var ordinal: UInt32 { get }
    /// Whether this is host memory standing in for a device.
    var isSimulated: Bool { get }

    /// Copies `count` bytes at `sourceOffset` of `source` (a storage of the same backend) to
    /// `offset` of this storage without passing through the host.
    ///
    /// - Throws: ``StorageError/notAccessible(kind:operation:)`` when `source` is of another backend;
    ///   ``StorageError/outOfBounds(offset:count:size:)``.
    func copy(from source: any DeviceStorage, at sourceOffset: Int, count: Int, to offset: Int) throws(StorageError)
}

extension KVStorage {
    /// Throws unless `offset ..< offset + count` lies within the storage.
    @inline(__always)
    func checkBounds(_ offset: Int, _ count: Int) throws(StorageError) {
        guard offset >= 0, count >= 0, offset <= byteCount, count <= byteCount &- offset else {
            throw .outOfBounds(offset: offset, count: count, size: byteCount)
        }
    }
}

extension HostMemoryStorage {
    // `read`, `write` and `fill` of every host memory storage: bounds-checked `memcpy` / `memset`
    // on `baseAddress`.

    @inline(__always)
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, buffer.count)
        guard let destination = buffer.baseAddress, buffer.count > 0 else { return }
        destination.copyMemory(from: baseAddress + offset, byteCount: buffer.count)
    }

    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, bytes.count)
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (baseAddress + offset).copyMemory(from: source, byteCount: bytes.count)
    }

    @inline(__always)
    public func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        try checkBounds(offset, count)
        (baseAddress + offset).initializeMemory(as: UInt8.self, repeating: value, count: count)
    }
}
