import Synchronization

/// A stand-in for accelerator memory: bytes in a private host mapping, reachable only through the
/// explicit copies of ``DeviceStorage`` (no in-place view), so that every device-tier path (offload,
/// onboard, device-to-device) runs in CI exactly as it will against a CUDA backend.
///
/// It counts the bytes that crossed in each direction, so tests can check that a path really copied.
public final class SimulatedDeviceStorage: DeviceStorage {
    private let mapping: HostMapping
    public let ordinal: UInt32
    public let alignment: Int
    private let toDevice = Atomic<Int>(0)
    private let toHost = Atomic<Int>(0)
    private let withinDevice = Atomic<Int>(0)

    /// Allocates `byteCount` zero-filled bytes of "device `ordinal`" memory.
    ///
    /// - Throws: ``StorageError/allocationFailed(bytes:errno:detail:)`` when the host has no memory for it.
    public init(byteCount: Int, ordinal: UInt32 = 0, alignment: Int = 1) throws(StorageError) {
        self.ordinal = ordinal
        self.alignment = try HostMapping.storageAlignment(alignment)
        mapping = try HostMapping(byteCount: byteCount, alignment: self.alignment)
    }

    public var kind: StorageKind { .device(ordinal: ordinal) }
    public var byteCount: Int { mapping.byteCount }
    public var isSimulated: Bool { true }

    /// Bytes copied host → device, device → host and device → device so far.
    public var bytesCopied: (toDevice: Int, toHost: Int, withinDevice: Int) {
        (toDevice.load(ordering: .relaxed), toHost.load(ordering: .relaxed), withinDevice.load(ordering: .relaxed))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, buffer.count)
        guard let destination = buffer.baseAddress, buffer.count > 0 else { return }
        destination.copyMemory(from: mapping.pointer + offset, byteCount: buffer.count)
        toHost.add(buffer.count, ordering: .relaxed)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, bytes.count)
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (mapping.pointer + offset).copyMemory(from: source, byteCount: bytes.count)
        toDevice.add(bytes.count, ordering: .relaxed)
    }

    public func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        try checkBounds(offset, count)
        (mapping.pointer + offset).initializeMemory(as: UInt8.self, repeating: value, count: count)
    }

    public func copy(from source: any DeviceStorage, at sourceOffset: Int, count: Int, to offset: Int) throws(StorageError) {
        guard let other = source as? SimulatedDeviceStorage else {
            throw .notAccessible(kind: source.kind, operation: "device-to-device copies with a simulated device")
        }
        try other.checkBounds(sourceOffset, count)
        try checkBounds(offset, count)
        guard count > 0 else { return }
        // memmove semantics: the ranges may overlap when source and destination are the same storage.
        (mapping.pointer + offset).copyMemory(from: other.mapping.pointer + sourceOffset, byteCount: count)
        withinDevice.add(count, ordering: .relaxed)
    }
}
