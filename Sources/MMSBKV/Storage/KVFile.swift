#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `open(2)`, named apart from ``KVFile/open(_:flags:mode:)``.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }

/// An open file descriptor owned by a storage: closed in `deinit`.
///
/// The few system calls the disk storage needs, in swift-system's manner: every call retries on
/// `EINTR`, reads and writes loop over short counts, and failures throw
/// ``StorageError/operationFailed(operation:path:errno:)`` naming the call and the file.
final class KVFile: Sendable {
    let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens `path` with `flags` (`O_CLOEXEC` is added). The corresponding C function is `open`.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(StorageError) -> KVFile {
        while true {
            let descriptor = systemOpen(path, flags | O_CLOEXEC, mode)
            if descriptor >= 0 { return KVFile(descriptor: descriptor, path: path) }
            if errno != EINTR { throw .operationFailed(operation: "open", path: path, errno: errno) }
        }
    }

    /// Writes all of `count` bytes at `source` to `offset`. The corresponding C function is `pwrite`.
    func write(_ source: UnsafeRawPointer, count: Int, at offset: Int) throws(StorageError) {
        var done = 0
        while done < count {
            let written = pwrite(descriptor, source + done, count - done, off_t(offset + done))
            if written > 0 {
                done += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                throw .operationFailed(operation: "pwrite", path: path, errno: written < 0 ? errno : EIO)
            }
        }
    }

    /// Reads exactly `count` bytes at `offset` into `destination`; a file that ends first is an
    /// `EIO` failure. The corresponding C function is `pread`.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(StorageError) {
        var done = 0
        while done < count {
            let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if got > 0 {
                done += got
            } else if got < 0, errno == EINTR {
                continue
            } else {
                throw .operationFailed(operation: "pread", path: path, errno: got < 0 ? errno : EIO)
            }
        }
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
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw .operationFailed(operation: "fdatasync", path: path, errno: errno) }
        }
    }

    /// Sets the file's size. The corresponding C function is `ftruncate`.
    func truncate(to length: Int) throws(StorageError) {
        while ftruncate(descriptor, off_t(length)) != 0 {
            if errno != EINTR { throw .operationFailed(operation: "ftruncate", path: path, errno: errno) }
        }
    }

    /// Reserves `length` bytes of disk for the file, so later writes cannot fail for lack of space.
    /// Returns the `errno` when the file system cannot (e.g. `EOPNOTSUPP`), 0 on success.
    /// The corresponding C function is `posix_fallocate`.
    func preallocate(length: Int) -> Int32 {
        while true {
            let result = posix_fallocate(descriptor, 0, off_t(length))
            if result != EINTR { return result }
        }
    }

    /// The file's size in bytes. The corresponding C function is `fstat`.
    func size() throws(StorageError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .operationFailed(operation: "fstat", path: path, errno: errno) }
        return Int(status.st_size)
    }
}
