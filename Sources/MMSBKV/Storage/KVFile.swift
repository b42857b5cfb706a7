#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import MMSB

/// An open file descriptor owned by a storage: closed in `deinit`.
///
/// The few system calls the disk storage needs, through MMSB's shared `SystemCall` (which retries on
/// `EINTR` and loops over short counts); failures throw
/// ``StorageError/operationFailed(operation:path:errno:)`` naming the call and the file.
final class KVFile: Sendable {
    let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { SystemCall.close(descriptor) }

    /// Opens `path` with `flags` (`O_CLOEXEC` is added). The corresponding C function is `open`.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(StorageError) -> KVFile {
        KVFile(descriptor: try storage(path) { () throws(SystemCallFailure) in try SystemCall.open(path, flags: flags, mode: mode) }, path: path)
    }

    /// Writes all of `count` bytes at `source` to `offset`. The corresponding C function is `pwrite`.
    func write(_ source: UnsafeRawPointer, count: Int, at offset: Int) throws(StorageError) {
        try Self.storage(path) { () throws(SystemCallFailure) in try SystemCall.writeAll(descriptor, source, count: count, at: offset) }
    }

    /// Reads exactly `count` bytes at `offset` into `destination`; a file that ends first is an
    /// `EIO` failure. The corresponding C function is `pread`.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(StorageError) {
        let got = try Self.storage(path) { () throws(SystemCallFailure) in
            try SystemCall.readUpTo(descriptor, into: destination, count: count, at: offset)
        }
        guard got == count else { throw .operationFailed(operation: "pread", path: path, errno: EIO) }
    }

    /// Reads `count` bytes at `offset` into a new array.
    func read(count: Int, at offset: Int) throws(StorageError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBytes { raw in
            Result { () throws(StorageError) in
                guard let base = raw.baseAddress else { return }
                try read(into: base, count: count, at: offset)
            }
        }
        try result.get()
        return bytes
    }

    /// Writes `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws(StorageError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(StorageError) in
                guard let base = raw.baseAddress else { return }
                try write(base, count: raw.count, at: offset)
            }
        }
        try result.get()
    }

    /// Makes the file's data durable. The corresponding C function is `fdatasync`.
    func synchronizeData() throws(StorageError) {
        try Self.storage(path) { () throws(SystemCallFailure) in try SystemCall.synchronizeData(descriptor) }
    }

    /// Makes the file's data and metadata (its size, its allocation) durable. The corresponding C
    /// function is `fsync`.
    func synchronize() throws(StorageError) {
        try Self.storage(path) { () throws(SystemCallFailure) in try SystemCall.synchronize(descriptor) }
    }

    /// Makes the entries of the directory at `path` durable (a file created in it survives a power
    /// loss). The corresponding C functions are `open` and `fsync`.
    static func synchronizeDirectory(_ path: String) throws(StorageError) {
        try open(path, flags: O_RDONLY | O_DIRECTORY).synchronize()
    }

    /// Sets the file's size. The corresponding C function is `ftruncate`.
    func truncate(to length: Int) throws(StorageError) {
        try Self.storage(path) { () throws(SystemCallFailure) in try SystemCall.truncate(descriptor, to: length) }
    }

    /// Reserves `length` bytes of disk for the file, so later writes cannot fail for lack of space.
    /// Returns the `errno` when the file system cannot (e.g. `EOPNOTSUPP`), 0 on success.
    /// The corresponding C function is `posix_fallocate`.
    func preallocate(length: Int) -> Int32 {
        SystemCall.preallocate(descriptor, length: length)
    }

    /// The file's size in bytes. The corresponding C function is `fstat`.
    func size() throws(StorageError) -> Int {
        try Self.storage(path) { () throws(SystemCallFailure) in try SystemCall.size(descriptor) }
    }

    /// Runs a shared system call wrapper, reporting its failure as
    /// ``StorageError/operationFailed(operation:path:errno:)``.
    @inline(__always)
    private static func storage<R>(_ path: String, _ call: () throws(SystemCallFailure) -> R) throws(StorageError) -> R {
        do {
            return try call()
        } catch {
            throw .operationFailed(operation: error.operation, path: path, errno: error.errno)
        }
    }
}
