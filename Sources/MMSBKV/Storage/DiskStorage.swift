import MMSB
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A tier's blocks in a preallocated file (Dynamo's `DiskStorage`), read and written with 4 KiB
/// aligned `O_DIRECT` I/O where the file system supports it.
///
/// The file holds a 4 KiB header (its id and generation, so another process can check what it
/// opened; see `StorageHeader`) and then the data; offsets given to this class count from the
/// first data byte. Space is reserved with `posix_fallocate` (falling back to `ftruncate`, a sparse
/// file, where the file system cannot: ``isPreallocated`` tells). Direct I/O is detected when the
/// storage is created by opening a second descriptor with `O_DIRECT` and doing one aligned write and
/// read: ``usesDirectIO`` tells the result. A transfer goes direct when its memory address, offset
/// and length are all multiples of 4096 (whole blocks of a layout whose block stride is a multiple
/// of 4096, to or from page-aligned host storage), and buffered otherwise.
public final class DiskStorage: KVStorage {
    /// Whether to use `O_DIRECT`.
    public enum DirectIO: Sendable, Hashable {
        /// Use it when the file system supports it, buffered I/O otherwise.
        case automatic
        /// Never use it.
        case disabled
        /// Use it or fail (``StorageError/notAccessible(kind:operation:)``).
        case required
    }

    /// Where and how the file is made.
    public struct Options: Sendable, Hashable {
        /// `O_DIRECT` policy.
        public var directIO: DirectIO
        /// Whether to delete the file when the storage goes away.
        public var removeFileOnClose: Bool

        public init(directIO: DirectIO = .automatic, removeFileOnClose: Bool = true) {
            self.directIO = directIO
            self.removeFileOnClose = removeFileOnClose
        }
    }

    /// The granule of direct I/O: address, offset and length must be multiples of it.
    public static let directIOAlignment = 4096

    /// The file's path.
    public let path: String
    public let byteCount: Int
    /// Whether aligned transfers bypass the page cache.
    public let usesDirectIO: Bool
    /// Whether `posix_fallocate` reserved the file's space (`false`: a sparse file from `ftruncate`).
    public let isPreallocated: Bool
    /// A random id written in the file's header, fixed for the storage's life.
    public let storageID: UInt64
    private let file: KVFile
    private let direct: KVFile?
    private let removeOnClose: Bool

    /// Creates a new file of `byteCount` data bytes (plus the 4 KiB header) in `directory`. When it
    /// returns, the file (its directory entry, size and header) is durable.
    ///
    /// - Throws: ``StorageError/operationFailed(operation:path:errno:)`` when the file cannot be made or
    ///   sized (e.g. `ENOSPC`); ``StorageError/notAccessible(kind:operation:)`` when direct I/O is
    ///   ``DirectIO/required`` but unsupported; ``StorageError/invalidConfiguration(_:)`` for a negative size.
    public init(directory: String, byteCount: Int, options: Options = Options()) throws(StorageError) {
        guard byteCount >= 0 else { throw .invalidConfiguration("a storage size cannot be negative (\(byteCount))") }
        // Checked before anything is made: the header and the rounding to 4 KiB must not overflow.
        guard byteCount <= Int(off_t.max) - StorageHeader.size - Self.directIOAlignment else {
            throw .invalidConfiguration("a disk storage of \(byteCount) bytes is larger than any file can be")
        }
        storageID = StorageHeader.newStorageID()
        path = directory + "/mmsb-kv-" + String(storageID, radix: 16) + ".blocks"
        self.byteCount = byteCount
        removeOnClose = options.removeFileOnClose
        file = try KVFile.open(path, flags: O_RDWR | O_CREAT | O_EXCL)
        // Round the file up so that a direct transfer of the last, partial 4 KiB stays inside it.
        let align = Self.directIOAlignment
        let fileBytes = StorageHeader.size + (byteCount + align - 1) / align * align
        do throws(StorageError) {
            let code = file.preallocate(length: fileBytes)
            if code == 0 {
                isPreallocated = true
            } else if code == EOPNOTSUPP || code == EINVAL || code == ENOSYS {
                try file.truncate(to: fileBytes)
                isPreallocated = false
            } else {
                throw .operationFailed(operation: "posix_fallocate", path: path, errno: code)
            }
            let header = StorageHeader(kindCode: 1, storageID: storageID, dataBytes: UInt64(byteCount), generation: 1)
            try file.write(header.encoded(), at: 0)
            direct = try Self.openDirect(path, policy: options.directIO, probeAt: StorageHeader.size, fileBytes: fileBytes)
            // The file, its size and its header survive a power loss from here on, so that
            // `synchronize()` has a file to make blocks durable in.
            try file.synchronize()
            try KVFile.synchronizeDirectory(directory)
        } catch {
            try? SystemCall.remove(path)
            throw error
        }
        usesDirectIO = direct != nil
    }

    deinit {
        // Tell importers that this incarnation is gone before the file goes. Not synced: the mark is
        // for live importers; after a power loss there are none, and the file shows its last
        // durable generation.
        try? file.write(Array(repeating: 0, count: 8), at: StorageHeader.generationOffset)
        if removeOnClose { try? SystemCall.remove(path) }
    }

    public var kind: StorageKind { .disk }
    public var alignment: Int { Self.directIOAlignment }

    /// The storage's current generation (from its header; starts at 1).
    public func generation() throws(StorageError) -> UInt64 {
        try file.read(count: 8, at: StorageHeader.generationOffset).loadLittleEndian(UInt64.self, at: 0)
    }

    /// Moves to the next generation, so that descriptors exported before now read as stale; call it
    /// when the blocks' contents stop meaning what they meant (a reset, a re-layout). The new
    /// generation is durable when this returns: a power loss never brings an older one back.
    @discardableResult
    public func advanceGeneration() throws(StorageError) -> UInt64 {
        let next = try generation() &+ 1
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(next == StorageHeader.closedGeneration ? 1 : next)
        try file.write(bytes, at: StorageHeader.generationOffset)
        try file.synchronizeData()
        return next
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, buffer.count)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try channel(address: UInt(bitPattern: base), offset: offset, count: buffer.count)
            .read(into: base, count: buffer.count, at: StorageHeader.size + offset)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, bytes.count)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try channel(address: UInt(bitPattern: base), offset: offset, count: bytes.count)
            .write(base, count: bytes.count, at: StorageHeader.size + offset)
    }

    public func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        try checkBounds(offset, count)
        let chunk = min(count, 1 << 20)
        guard chunk > 0 else { return }
        let buffer = try HostMapping(byteCount: chunk, alignment: Self.directIOAlignment)
        buffer.pointer.initializeMemory(as: UInt8.self, repeating: value, count: chunk)
        var done = 0
        while done < count {
            let part = min(chunk, count - done)
            try write(UnsafeRawBufferPointer(start: buffer.pointer, count: part), at: offset + done)
            done += part
        }
    }

    /// Makes the blocks written so far durable: after a power loss they read back as written. (The
    /// file and its header are durable from creation.) The corresponding C function is `fdatasync`.
    public func synchronize() throws(StorageError) {
        try file.synchronizeData()
    }

    /// The descriptor for a transfer: the direct one when everything is 4 KiB aligned.
    @inline(__always)
    private func channel(address: UInt, offset: Int, count: Int) -> KVFile {
        let mask = Self.directIOAlignment - 1
        if let direct, Int(address) & mask == 0, offset & mask == 0, count & mask == 0 { return direct }
        return file
    }

    /// Opens a second, `O_DIRECT` descriptor and proves it works with one aligned write and read of
    /// the (zero) first data page; returns `nil` when direct I/O is off or unsupported.
    private static func openDirect(_ path: String, policy: DirectIO, probeAt offset: Int, fileBytes: Int) throws(StorageError) -> KVFile? {
        guard policy != .disabled else { return nil }
        guard let flag = oDirect, fileBytes >= offset + directIOAlignment else {
            if policy == .required { throw .notAccessible(kind: .disk, operation: "O_DIRECT on this platform") }
            return nil
        }
        do {
            let candidate = try KVFile.open(path, flags: O_RDWR | flag)
            let page = try HostMapping(byteCount: directIOAlignment, alignment: directIOAlignment)
            try candidate.write(page.pointer, count: directIOAlignment, at: offset)
            try candidate.read(into: page.pointer, count: directIOAlignment, at: offset)
            return candidate
        } catch {
            if policy == .required {
                throw .notAccessible(kind: .disk, operation: "O_DIRECT on the file system of \(path) (\(error))")
            }
            return nil
        }
    }

    /// `O_DIRECT`, which Glibc's module map does not export (it is a `_GNU_SOURCE` macro).
    static let oDirect: Int32? = {
        #if os(Linux) && arch(x86_64)
        return 0o40000
        #elseif os(Linux) && (arch(arm64) || arch(arm))
        return 0o200000
        #else
        return nil
        #endif
    }()
}
