import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes for commands, failing with one sentence that names the file and the
/// system's reason (`cannot read x.bin: No such file or directory`), never a Foundation error dump.
///
/// Plain POSIX calls rather than `Data(contentsOf:)`: Foundation on Linux reports a missing file as
/// "The file doesn't exist." with no errno under it, so the system's own words would be lost.
enum CommandFile {
    /// The bytes of the file at `path`; `-` reads standard input to its end.
    static func read(_ path: String) throws(CommandLineError) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("read", path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("read", path) }
        guard (status.st_mode & S_IFMT) != S_IFDIR else { throw CommandLineError("cannot read \(path): it is a directory, not a file") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw CommandLineError("cannot read \(path): it is not a regular file") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { readDescriptor(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("read", path) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// Writes `bytes` to `path` whole or not at all: into a temporary file beside it, flushed, then
    /// renamed over `path`, so a crash leaves either the old file or the new one.
    static func write(_ bytes: [UInt8], to path: String) throws(CommandLineError) {
        let temporary = path + ".partial-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("write", path) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { writeDescriptor(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let error = failure("write", path)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure("write", path)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = failure("write", path)
            unlink(temporary)
            throw error
        }
    }

    /// "cannot <verb> <path>: <the system's reason for errno>", read before anything can change errno.
    private static func failure(_ verb: String, _ path: String) -> CommandLineError {
        CommandLineError("cannot \(verb) \(path): \(String(cString: strerror(errno)))")
    }

    /// The system's words for why a Foundation file call failed: the POSIX error under it where there
    /// is one, else the error's own text.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }
}

// The system's `read` and `write`, under names `CommandFile`'s own `read` and `write` do not hide.
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func writeDescriptor(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
