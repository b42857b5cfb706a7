#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call that failed: its name and `errno`. Each caller maps it to its own typed error
/// (`LogError.io` for the store, `StorageError.operationFailed` for MMSBKV's disk tier).
package struct SystemCallFailure: Error {
    package let operation: String
    package let errno: Int32
}

/// The retry and short-count loops around the file system calls MMSB's packages make, written once:
/// every call retries on `EINTR`, reads and writes loop until done. Shared by `PosixFile` (the store)
/// and MMSBKV's `KVFile` (the disk tier).
package enum SystemCall {
    /// `open(2)` with `O_CLOEXEC` added; the descriptor.
    package static func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallFailure) -> Int32 {
        while true {
            let descriptor = systemOpen(path, flags | O_CLOEXEC, mode)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw SystemCallFailure(operation: "open", errno: errno) }
        }
    }

    /// Writes all `count` bytes at `source` to `offset` with `pwrite(2)`; a write of nothing is `EIO`.
    package static func writeAll(
        _ descriptor: Int32, _ source: UnsafeRawPointer, count: Int, at offset: Int
    ) throws(SystemCallFailure) {
        var done = 0
        while done < count {
            let written = pwrite(descriptor, source + done, count - done, off_t(offset + done))
            if written > 0 {
                done += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                throw SystemCallFailure(operation: "pwrite", errno: written < 0 ? errno : EIO)
            }
        }
    }

    /// Reads up to `count` bytes at `offset` into `destination` with `pread(2)`; fewer only at the
    /// end of the file. Returns the bytes read.
    package static func readUpTo(
        _ descriptor: Int32, into destination: UnsafeMutableRawPointer, count: Int, at offset: Int
    ) throws(SystemCallFailure) -> Int {
        var done = 0
        while done < count {
            let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if got > 0 {
                done += got
            } else if got == 0 {
                break
            } else if errno != EINTR {
                throw SystemCallFailure(operation: "pread", errno: errno)
            }
        }
        return done
    }

    /// `fdatasync(2)`.
    package static func synchronizeData(_ descriptor: Int32) throws(SystemCallFailure) {
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw SystemCallFailure(operation: "fdatasync", errno: errno) }
        }
    }

    /// `ftruncate(2)`.
    package static func truncate(_ descriptor: Int32, to length: Int) throws(SystemCallFailure) {
        while ftruncate(descriptor, off_t(length)) != 0 {
            if errno != EINTR { throw SystemCallFailure(operation: "ftruncate", errno: errno) }
        }
    }

    /// The file's size from `fstat(2)`.
    package static func size(_ descriptor: Int32) throws(SystemCallFailure) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemCallFailure(operation: "fstat", errno: errno) }
        return Int(status.st_size)
    }
}

/// `open(2)`, named apart from ``SystemCall/open(_:flags:mode:)``.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
