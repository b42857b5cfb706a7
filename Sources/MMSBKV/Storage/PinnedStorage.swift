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
        pinError = HostMapping.pin(mapping.pointer, bytes: mapping.mappedBytes)
        isPinned = pinError == nil
    }

    deinit {
        if isPinned { munlock(mapping.pointer, mapping.mappedBytes) }
    }

    public var kind: StorageKind { .pinned }
    public var byteCount: Int { mapping.byteCount }
    public var baseAddress: UnsafeMutableRawPointer { mapping.pointer }
}
