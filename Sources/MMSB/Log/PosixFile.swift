#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor, owned: it is closed when the value goes away.
///
/// Thin wrappers over the system calls the store needs, in swift-system's manner: every call retries
/// on `EINTR`, writes loop over short counts, and failures throw ``LogError/io(operation:path:errno:)``
/// naming the call and the file. (swift-system has no `fsync`, `fdatasync`, `flock` or `rename`, so the
/// store keeps its few calls in this one place.)
struct PosixFile: ~Copyable {
    /// The descriptor; -1 once ``close()`` ran.
    private(set) var descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        if descriptor >= 0 { SystemCall.close(descriptor) }
    }

    /// Closes the descriptor now (a closed store holds no descriptor); later calls do nothing.
    mutating func close() {
        if descriptor >= 0 { SystemCall.close(descriptor) }
        descriptor = -1
    }

    /// Opens `path` with `flags` (`O_CLOEXEC` is added). The corresponding C function is `open`.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(LogError) -> PosixFile {
        PosixFile(descriptor: try io(path) { () throws(SystemCallFailure) in try SystemCall.open(path, flags: flags, mode: mode) }, path: path)
    }

    /// Writes all of `bytes` at `offset`. The corresponding C function is `pwrite`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(LogError) {
        guard let base = bytes.baseAddress else { return }
        try Self.io(path) { () throws(SystemCallFailure) in try SystemCall.writeAll(descriptor, base, count: bytes.count, at: offset) }
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws(LogError) {
        let result = bytes.withUnsafeBytes { raw -> Result<Void, LogError> in
            do throws(LogError) {
                try write(raw, at: offset)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Reads up to `count` bytes at `offset` into a new array; fewer only at the end of the file.
    func read(count: Int, at offset: Int) throws(LogError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBytes { raw -> Result<Int, LogError> in
            do throws(LogError) { return .success(try read(into: raw, at: offset)) } catch { return .failure(error) }
        }
        bytes.removeLast(count - (try result.get()))
        return bytes
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    /// The corresponding C function is `pread`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(LogError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        return try Self.io(path) { () throws(SystemCallFailure) in
            try SystemCall.readUpTo(descriptor, into: base, count: buffer.count, at: offset)
        }
    }

    /// Makes the file's data durable (and the size it needs). The corresponding C function is `fdatasync`.
    func synchronizeData() throws(LogError) {
        try Self.io(path) { () throws(SystemCallFailure) in try SystemCall.synchronizeData(descriptor) }
    }

    /// Makes the file's data and metadata durable. The corresponding C function is `fsync`.
    func synchronize() throws(LogError) {
        try Self.io(path) { () throws(SystemCallFailure) in try SystemCall.synchronize(descriptor) }
    }

    /// Cuts the file to `length` bytes. The corresponding C function is `ftruncate`.
    func truncate(to length: Int) throws(LogError) {
        try Self.io(path) { () throws(SystemCallFailure) in try SystemCall.truncate(descriptor, to: length) }
    }

    /// The file's size in bytes. The corresponding C function is `fstat`.
    func size() throws(LogError) -> Int {
        try Self.io(path) { () throws(SystemCallFailure) in try SystemCall.size(descriptor) }
    }

    /// Runs a shared system call wrapper, reporting its failure as ``LogError/io(operation:path:errno:)``.
    @inline(__always)
    fileprivate static func io<R>(_ path: String, _ call: () throws(SystemCallFailure) -> R) throws(LogError) -> R {
        do {
            return try call()
        } catch {
            throw .io(operation: error.operation, path: path, errno: error.errno)
        }
    }

    /// Takes an exclusive advisory lock, waiting at most about 200 ms for it. The corresponding C
    /// function is `flock`.
    ///
    /// The short wait is for a lock that was just released: a process forked by this one (to run any
    /// program) shares every open descriptor until it executes the program, and an `flock` lasts as long
    /// as any copy of its descriptor, so a closed store can look held for a moment.
    /// - Throws: ``LogError/locked(path:)`` when another process holds it.
    func lockExclusively() throws(LogError) {
        var attempts = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            guard errno == EWOULDBLOCK else { throw .io(operation: "flock", path: path, errno: errno) }
            attempts += 1
            if attempts > 20 { throw .locked(path: path) }
            usleep(10_000)
        }
    }
}

/// Directory-level operations of the store.
enum FileSystem {
    /// Whether `path` exists, and whether it is a directory.
    static func kind(of path: String) -> (exists: Bool, isDirectory: Bool) {
        var status = stat()
        guard stat(path, &status) == 0 else { return (false, false) }
        return (true, (status.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Creates a directory. The corresponding C function is `mkdir`.
    static func makeDirectory(_ path: String) throws(LogError) {
        try PosixFile.io(path) { () throws(SystemCallFailure) in try SystemCall.makeDirectory(path) }
    }

    /// Makes the directory's entries (creations, renames, removals) durable: `fsync` on the directory.
    static func synchronizeDirectory(_ path: String) throws(LogError) {
        let directory = try PosixFile.open(path, flags: O_RDONLY | O_DIRECTORY)
        try directory.synchronize()
    }

    /// The names in a directory, sorted, without `.` and `..`. The corresponding C function is `readdir`.
    static func list(_ path: String) throws(LogError) -> [String] {
        guard let stream = opendir(path) else { throw .io(operation: "opendir", path: path, errno: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file. The corresponding C function is `unlink`.
    static func remove(_ path: String) throws(LogError) {
        try PosixFile.io(path) { () throws(SystemCallFailure) in try SystemCall.remove(path) }
    }

    /// Atomically renames `source` to `destination`. The corresponding C function is `rename`.
    static func rename(_ source: String, to destination: String) throws(LogError) {
        try PosixFile.io(source) { () throws(SystemCallFailure) in try SystemCall.rename(source, to: destination) }
    }
}

/// A file mapped read-only into memory, for scanning without copying.
struct MappedFile: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    let path: String

    /// Maps all of `file`. The corresponding C function is `mmap`.
    init(_ file: borrowing PosixFile) throws(LogError) {
        let size = try file.size()
        var base: UnsafeMutableRawPointer?
        if size > 0 {
            guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.descriptor, 0), mapped != MAP_FAILED else {
                throw .io(operation: "mmap", path: file.path, errno: errno)
            }
            base = mapped
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        path = file.path
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
