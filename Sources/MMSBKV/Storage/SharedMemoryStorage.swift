#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Host memory in a named POSIX shared-memory object (`shm_open`), so that another process of the
/// same machine can map the same blocks by name: the storage behind exported blocksets.
///
/// The object holds a 4 KiB header (id, size, generation; see `StorageHeader`) and then the data;
/// offsets count from the first data byte, which is page aligned. The object is unlinked, and its
/// generation set to 0 so that importers see it as stale, when the storage goes away.
///
/// With `pinned: true` the mapping is also locked with `mlock`, so one storage can be both the
/// pinned host tier and exportable; as with ``PinnedStorage``, a refused lock leaves ``isPinned``
/// `false` and ``pinError`` set rather than failing.
public final class SharedMemoryStorage: HostMemoryStorage {
    private let mapping: SharedMapping
    public let byteCount: Int
    /// A random id written in the header, fixed for the storage's life.
    public let storageID: UInt64
    /// Whether the pages are locked in memory.
    public let isPinned: Bool
    /// The `errno` of a refused `mlock`; `nil` when pinned or when pinning was not asked for.
    public let pinError: Int32?

    /// Creates a shared-memory object of `byteCount` zero-filled data bytes, locked in memory when
    /// `pinned`. The corresponding C functions are `shm_open`, `ftruncate`, `mmap` and `mlock`.
    ///
    /// - Throws: ``StorageError/operationFailed(operation:path:errno:)`` or
    ///   ``StorageError/allocationFailed(bytes:errno:detail:)`` when the object cannot be made;
    ///   ``StorageError/invalidConfiguration(_:)`` for a negative size or an alignment above 4096.
    public init(byteCount: Int, alignment: Int = 1, pinned: Bool = false) throws(StorageError) {
        guard byteCount >= 0 else { throw .invalidConfiguration("a storage size cannot be negative (\(byteCount))") }
        // The header and the rounding to whole pages must not overflow (`HostMapping` rounds).
        guard byteCount <= Int(off_t.max) - StorageHeader.size - HostMapping.pageSize else {
            throw .invalidConfiguration("a shared memory storage of \(byteCount) bytes is larger than any object can be")
        }
        guard alignment <= StorageHeader.size else {
            throw .invalidConfiguration("shared memory storage aligns data to \(StorageHeader.size) bytes, not \(alignment)")
        }
        storageID = StorageHeader.newStorageID()
        self.byteCount = byteCount
        let mapping = try SharedMapping.create(name: "/mmsb-kv-" + String(storageID, radix: 16), bytes: StorageHeader.size + byteCount)
        let header = StorageHeader(kindCode: 2, storageID: storageID, dataBytes: UInt64(byteCount), generation: 1)
        header.encoded().withUnsafeBytes { mapping.pointer.copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: $0.count) }
        self.mapping = mapping
        pinError = pinned ? HostMapping.pin(mapping.pointer, bytes: mapping.mappedBytes) : nil
        isPinned = pinned && pinError == nil
    }

    deinit {
        if isPinned { munlock(mapping.pointer, mapping.mappedBytes) }
        mapping.setGeneration(StorageHeader.closedGeneration)
        shm_unlink(mapping.name)
    }

    /// The shared-memory object's name, for `shm_open` in another process.
    public var name: String { mapping.name }
    public var kind: StorageKind { .sharedMemory }
    public var alignment: Int { StorageHeader.size }
    public var baseAddress: UnsafeMutableRawPointer { mapping.pointer + StorageHeader.size }

    /// The storage's current generation (starts at 1).
    public var generation: UInt64 { mapping.generation }

    /// Moves to the next generation, so that descriptors exported before now read as stale.
    @discardableResult
    public func advanceGeneration() -> UInt64 {
        var next = mapping.generation &+ 1
        if next == StorageHeader.closedGeneration { next = 1 }
        mapping.setGeneration(next)
        return next
    }
}
