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
/// every call retries on `EINTR`, reads and writes loop until done, every descriptor is opened
/// close-on-exec. Shared by `PosixFile` (the store) and MMSBKV's `KVFile` (the disk tier).
///
/// Every call that changes a file or a directory passes through ``FileSystemHook`` when one is
/// installed: the crash-state and fault-injection tests record each operation there, or fail it.
package enum SystemCall {
    /// `open(2)` with `O_CLOEXEC` added; the descriptor.
    package static func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallFailure) -> Int32 {
        let hook = FileSystemHooks.current
        if let hook {
            if case .fail(let code)? = hook.before(.open(path: path, flags: flags)) { throw SystemCallFailure(operation: "open", errno: code) }
        }
        while true {
            let descriptor = systemOpen(path, flags | O_CLOEXEC, mode)
            if descriptor >= 0 {
                hook?.after(.open(path: path, flags: flags), descriptor: descriptor)
                return descriptor
            }
            if errno != EINTR { throw SystemCallFailure(operation: "open", errno: errno) }
        }
    }

    /// `close(2)`. Never retried on `EINTR`: on Linux the descriptor is gone whatever it returns.
    package static func close(_ descriptor: Int32) {
        FileSystemHooks.current?.after(.close(descriptor: descriptor), descriptor: descriptor)
        _ = systemClose(descriptor)
    }

    /// Writes all `count` bytes at `source` to `offset` with `pwrite(2)`; a write of nothing is `EIO`.
    package static func writeAll(
        _ descriptor: Int32, _ source: UnsafeRawPointer, count: Int, at offset: Int
    ) throws(SystemCallFailure) {
        let hook = FileSystemHooks.current
        var done = 0
        while done < count {
            var attempt = count - done
            if let hook {
                let operation = FileOperation.write(
                    descriptor: descriptor, offset: offset + done, bytes: UnsafeRawBufferPointer(start: source + done, count: attempt))
                switch hook.before(operation) {
                case .fail(let code)?: throw SystemCallFailure(operation: "pwrite", errno: code)
                case .shortWrite(let bytes)?: attempt = min(max(bytes, 0), attempt)
                case nil: break
                }
                if attempt == 0 { throw SystemCallFailure(operation: "pwrite", errno: EIO) }
            }
            let written = pwrite(descriptor, source + done, attempt, off_t(offset + done))
            if written > 0 {
                hook?.after(
                    .write(descriptor: descriptor, offset: offset + done, bytes: UnsafeRawBufferPointer(start: source + done, count: written)),
                    descriptor: descriptor)
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

    /// `fdatasync(2)`: the file's data, and the size it needs, are durable.
    package static func synchronizeData(_ descriptor: Int32) throws(SystemCallFailure) {
        try hooked(.synchronizeData(descriptor: descriptor), descriptor, "fdatasync") { fdatasync(descriptor) }
    }

    /// `fsync(2)`: the file's data and metadata are durable (for a directory: its entries).
    package static func synchronize(_ descriptor: Int32) throws(SystemCallFailure) {
        try hooked(.synchronize(descriptor: descriptor), descriptor, "fsync") { fsync(descriptor) }
    }

    /// `ftruncate(2)`.
    package static func truncate(_ descriptor: Int32, to length: Int) throws(SystemCallFailure) {
        try hooked(.truncate(descriptor: descriptor, length: length), descriptor, "ftruncate") { ftruncate(descriptor, off_t(length)) }
    }

    /// `posix_fallocate(3)` over the first `length` bytes; returns its error number (0 on success),
    /// since callers fall back to other means for the ones that say "not supported here".
    package static func preallocate(_ descriptor: Int32, length: Int) -> Int32 {
        let hook = FileSystemHooks.current
        if case .fail(let code)? = hook?.before(.preallocate(descriptor: descriptor, length: length)) { return code }
        while true {
            let result = posix_fallocate(descriptor, 0, off_t(length))
            if result == EINTR { continue }
            if result == 0 { hook?.after(.preallocate(descriptor: descriptor, length: length), descriptor: descriptor) }
            return result
        }
    }

    /// `rename(2)`: atomically replaces `destination` with `source`.
    package static func rename(_ source: String, to destination: String) throws(SystemCallFailure) {
        try hooked(.rename(source: source, destination: destination), -1, "rename") { systemRename(source, destination) }
    }

    /// `unlink(2)`; a file that is already gone is not an error.
    package static func remove(_ path: String) throws(SystemCallFailure) {
        guard systemExists(path) else { return }
        do {
            try hooked(.remove(path: path), -1, "unlink") { unlink(path) }
        } catch where error.errno == ENOENT {
            return
        }
    }

    /// `mkdir(2)`; a directory that already exists is not an error.
    package static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(SystemCallFailure) {
        guard !systemExists(path) else { return }
        do {
            try hooked(.makeDirectory(path: path), -1, "mkdir") { mkdir(path, mode) }
        } catch where error.errno == EEXIST {
            return
        }
    }

    /// The file's size from `fstat(2)`.
    package static func size(_ descriptor: Int32) throws(SystemCallFailure) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemCallFailure(operation: "fstat", errno: errno) }
        return Int(status.st_size)
    }

    /// Runs a call that returns 0 or -1 with `errno`: the hook first, `EINTR` retried, the hook after.
    @inline(__always)
    private static func hooked(
        _ operation: FileOperation, _ descriptor: Int32, _ name: String, _ call: () -> Int32
    ) throws(SystemCallFailure) {
        let hook = FileSystemHooks.current
        if case .fail(let code)? = hook?.before(operation) { throw SystemCallFailure(operation: name, errno: code) }
        while call() != 0 {
            if errno != EINTR { throw SystemCallFailure(operation: name, errno: errno) }
        }
        hook?.after(operation, descriptor: descriptor)
    }
}

/// `open(2)`, named apart from ``SystemCall/open(_:flags:mode:)``.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
/// `close(2)`, named apart from ``SystemCall/close(_:)``.
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
/// `rename(2)`, named apart from ``SystemCall/rename(_:to:)``.
private func systemRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
/// Whether anything exists at `path` (without following a last symbolic link).
private func systemExists(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0
}

/// The one way both libraries tell a system error: the system's own words and the number,
/// `No space left on device (errno 28)`.
package enum SystemErrorText {
    package static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text) + " (errno \(code))"
    }
}
