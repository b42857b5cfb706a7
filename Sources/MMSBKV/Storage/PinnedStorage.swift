#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Page-locked host memory (Dynamo's `PinnedStorage`): memory `mlock` keeps resident, the kind a
/// device can copy to and from at full speed.
///
/// Locking needs privilege or a large enough `RLIMIT_MEMLOCK`. When the system refuses it the
/// storage is still created, as ordinary memory, and says so: ``isPinned`` is `false` and
/// ``pinError`` holds the `errno` (pinning lazily or not at all beats failing the tier; spec §5
/// #19). With a CUDA backend this is where `cudaHostRegister` would go.
public final class PinnedStorage: HostMemoryStorage {
    private let mapping: HostMapping
    public let alignment: Int
    /// Whether the pages are locked in memory.
    public let isPinned: Bool
    /// The `errno` of the refused `mlock`, or `nil` when the pages are locked.
    public let pinError: Int32?

    /// Allocates and locks `byteCount` zero-filled bytes. The corresponding C function is `mlock`.
    ///
    /// - Throws: ``StorageError/allocationFailed(bytes:errno:detail:)`` when the memory itself cannot be
    ///   had (a refused lock is not an error; see ``isPinned``).
    public init(byteCount: Int, alignment: Int = 1) throws(StorageError) {
        self.alignment = try HostMapping.storageAlignment(alignment)
        mapping = try HostMapping(byteCount: byteCount, alignment: self.alignment)
        if mlock(mapping.pointer, mapping.mappedBytes) == 0 {
            isPinned = true
            pinError = nil
        } else {
            isPinned = false
            pinError = errno
        }
    }

    deinit {
        if isPinned { munlock(mapping.pointer, mapping.mappedBytes) }
    }

    public var kind: StorageKind { .pinned }
    public var byteCount: Int { mapping.byteCount }
    public var baseAddress: UnsafeMutableRawPointer { mapping.pointer }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        try hostRead(into: buffer, at: offset)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        try hostWrite(bytes, at: offset)
    }

    public func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        try hostFill(value, at: offset, count: count)
    }
}
