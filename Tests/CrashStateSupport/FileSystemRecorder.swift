import Foundation
import MMSB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One operation a workload made on the files under a recorded directory, as a power loss sees it.
///
/// Paths are relative to the recorder's root (`""` is the root itself); files are numbered by
/// identity (their inode), so a rename keeps the file's number.
public enum TracedOperation: Sendable, Equatable, CustomStringConvertible {
    case makeDirectory(String)
    case create(path: String, file: Int)
    case write(file: Int, offset: Int, bytes: [UInt8])
    case truncate(file: Int, length: Int)
    /// `posix_fallocate`: the file grows to at least `length` bytes of zeros.
    case extend(file: Int, length: Int)
    /// `fsync` / `fdatasync` of a regular file: its data and size are durable.
    case sync(file: Int)
    /// `fsync` of a directory: its entries are durable.
    case syncDirectory(String)
    case rename(from: String, to: String)
    case remove(String)

    public var description: String {
        switch self {
        case .makeDirectory(let path): "mkdir \(path)"
        case .create(let path, let file): "create \(path) (#\(file))"
        case .write(let file, let offset, let bytes): "pwrite #\(file) @\(offset) +\(bytes.count)"
        case .truncate(let file, let length): "ftruncate #\(file) \(length)"
        case .extend(let file, let length): "fallocate #\(file) \(length)"
        case .sync(let file): "fsync #\(file)"
        case .syncDirectory(let path): "fsync dir \(path.isEmpty ? "." : path)"
        case .rename(let from, let to): "rename \(from) -> \(to)"
        case .remove(let path): "unlink \(path)"
        }
    }
}

/// The files under a directory at one moment: what a crash state is made of.
public struct FileSystemImage: Hashable, Sendable {
    public var directories: Set<String> = []
    public var files: [String: [UInt8]] = [:]

    public init() {}

    /// Writes the image into `directory` (which must exist and be empty).
    public func materialize(in directory: String) throws {
        let manager = FileManager.default
        for path in directories.sorted(by: { $0.count < $1.count }) where !path.isEmpty {
            try manager.createDirectory(atPath: directory + "/" + path, withIntermediateDirectories: true)
        }
        for (path, bytes) in files {
            guard manager.createFile(atPath: directory + "/" + path, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory + "/" + path])
            }
        }
    }
}

/// Records every file-system operation MMSB or MMSBKV makes under `root` (through the library's
/// `FileSystemHook` seam), and can fail them: an `errno` or a short write at the n-th operation, or
/// every operation from some point on (a process killed with `kill -9`: nothing it does afterwards
/// reaches the files).
public final class FileSystemRecorder: @unchecked Sendable {
    // @unchecked Sendable is sound: every mutable field is reached only under `lock`.
    public let root: String
    /// The files under `root` when recording began, all taken as durable.
    public let initialImage: FileSystemImage
    /// File numbers of the files in `initialImage`.
    public let initialFiles: [String: Int]
    private let lock = NSLock()
    private var recorded: [TracedOperation] = []
    private var inodes: [UInt64: Int] = [:]
    private var fileDescriptors: [Int32: Int] = [:]
    private var directoryDescriptors: [Int32: String] = [:]
    private var existedBeforeOpen: [String: Bool] = [:]
    private var nextFile = 0
    private var killed = false
    /// Syncs of files to let through before the kill; `nil`: no kill planned.
    private var syncsBeforeKill: Int?
    private var seen = 0
    private var fault: (index: Int, fault: FileFault)?
    private var injected = false

    /// Starts recording under `root` (an absolute path to an existing directory).
    public init(root: String) throws {
        self.root = root
        var image = FileSystemImage()
        var files: [String: Int] = [:]
        var inodes: [UInt64: Int] = [:]
        var next = 0
        image.directories.insert("")
        let manager = FileManager.default
        for relative in (manager.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted() {
            var status = stat()
            guard lstat(root + "/" + relative, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                image.directories.insert(relative)
            } else if (status.st_mode & S_IFMT) == S_IFREG {
                image.files[relative] = Array((try? Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))) ?? Data())
                files[relative] = next
                inodes[UInt64(status.st_ino)] = next
                next += 1
            }
        }
        initialImage = image
        initialFiles = files
        self.inodes = inodes
        nextFile = next
        FileSystemHookRouter.shared.register(self)
    }

    deinit { FileSystemHookRouter.shared.unregister(self) }

    /// Stops recording.
    public func stop() { FileSystemHookRouter.shared.unregister(self) }

    /// The operations recorded so far, in the order they happened.
    public var operations: [TracedOperation] { lock.withLock { recorded } }

    /// How many operations have been recorded (a position in ``operations``).
    public var count: Int { lock.withLock { recorded.count } }

    /// From now on every operation fails with `EIO` and does nothing, as if the process had been
    /// killed: what it had handed to the kernel stays, nothing more arrives.
    public func kill() { lock.withLock { killed = true } }

    /// Kills the process (as ``kill()``) just before its next `fsync` or `fdatasync` of a file: what it
    /// wrote since the last sync is in the kernel but not on the disk.
    public func killAtNextSync() { killAtSync(skipping: 0) }

    /// Kills the process just before the sync of a file that comes after `skipping` more of them.
    public func killAtSync(skipping: Int) { lock.withLock { syncsBeforeKill = skipping } }

    /// Lets operations through again (a new process starts).
    public func restart() {
        lock.withLock {
            killed = false
            syncsBeforeKill = nil
        }
    }

    /// Makes the operation numbered `index` (counting every operation the hook sees, from 0) fail with
    /// `fault` once.
    package func inject(_ fault: FileFault, atOperation index: Int) { lock.withLock { self.fault = (index, fault) } }

    /// Whether the injected fault was hit.
    public var faultInjected: Bool { lock.withLock { injected } }

    /// Operations the hook has seen (recorded or not), for numbering faults.
    public var operationsSeen: Int { lock.withLock { seen } }

    func owns(_ path: String) -> Bool { path == root || path.hasPrefix(root + "/") }

    private func relative(_ path: String) -> String { path == root ? "" : String(path.dropFirst(root.count + 1)) }

    func owns(descriptor: Int32) -> Bool { lock.withLock { fileDescriptors[descriptor] != nil || directoryDescriptors[descriptor] != nil } }

    func before(_ operation: FileOperation) -> FileFault? {
        lock.withLock {
            if let remaining = syncsBeforeKill {
                switch operation {
                case .synchronize(let fd), .synchronizeData(let fd):
                    guard fileDescriptors[fd] != nil else { break }
                    if remaining == 0 { killed = true } else { syncsBeforeKill = remaining - 1 }
                default: break
                }
            }
            if killed { return .fail(errno: EIO) }
            defer { seen += 1 }
            if case .open(let path, let flags) = operation, flags & O_CREAT != 0 {
                var status = stat()
                existedBeforeOpen[path] = lstat(path, &status) == 0
            }
            if let fault, seen >= fault.index {
                // A short write lands on the first write at or after the index; other faults on the index.
                if case .shortWrite = fault.fault {
                    guard case .write(_, _, let bytes) = operation, bytes.count > 1 else { return nil }
                    self.fault = nil
                    injected = true
                    return .shortWrite(bytes: bytes.count / 2)
                }
                self.fault = nil
                injected = true
                return fault.fault
            }
            return nil
        }
    }

    func after(_ operation: FileOperation, descriptor: Int32) {
        lock.withLock {
            switch operation {
            case .open(let path, let flags):
                var status = stat()
                guard fstat(descriptor, &status) == 0 else { return }
                if (status.st_mode & S_IFMT) == S_IFDIR {
                    directoryDescriptors[descriptor] = relative(path)
                    return
                }
                let inode = UInt64(status.st_ino)
                let existed = existedBeforeOpen.removeValue(forKey: path) ?? true
                let file: Int
                if let known = inodes[inode], existed {
                    file = known
                    if flags & O_TRUNC != 0 { recorded.append(.truncate(file: file, length: 0)) }
                } else {
                    file = nextFile
                    nextFile += 1
                    inodes[inode] = file
                    recorded.append(.create(path: relative(path), file: file))
                }
                fileDescriptors[descriptor] = file
            case .close(let fd):
                fileDescriptors[fd] = nil
                directoryDescriptors[fd] = nil
            case .write(let fd, let offset, let bytes):
                if let file = fileDescriptors[fd] { recorded.append(.write(file: file, offset: offset, bytes: Array(bytes))) }
            case .synchronize(let fd), .synchronizeData(let fd):
                if let file = fileDescriptors[fd] {
                    recorded.append(.sync(file: file))
                } else if let path = directoryDescriptors[fd] {
                    recorded.append(.syncDirectory(path))
                }
            case .truncate(let fd, let length):
                if let file = fileDescriptors[fd] { recorded.append(.truncate(file: file, length: length)) }
            case .preallocate(let fd, let length):
                if let file = fileDescriptors[fd] { recorded.append(.extend(file: file, length: length)) }
            case .rename(let source, let destination):
                recorded.append(.rename(from: relative(source), to: relative(destination)))
            case .remove(let path):
                recorded.append(.remove(relative(path)))
            case .makeDirectory(let path):
                recorded.append(.makeDirectory(relative(path)))
            }
        }
    }
}

/// The one hook installed in the library, handing each operation to the recorder whose directory it
/// concerns (tests run in parallel, each recording its own directory).
final class FileSystemHookRouter: FileSystemHook, @unchecked Sendable {
    // @unchecked Sendable is sound: `recorders` and `descriptors` are reached only under `lock`.
    static let shared = FileSystemHookRouter()
    private let lock = NSLock()
    private var recorders: [ObjectIdentifier: FileSystemRecorder] = [:]
    private var descriptors: [Int32: FileSystemRecorder] = [:]

    func register(_ recorder: FileSystemRecorder) {
        lock.withLock { recorders[ObjectIdentifier(recorder)] = recorder }
        FileSystemHooks.install(self)
    }

    func unregister(_ recorder: FileSystemRecorder) {
        lock.withLock {
            recorders[ObjectIdentifier(recorder)] = nil
            descriptors = descriptors.filter { $0.value !== recorder }
        }
    }

    private func recorder(for operation: FileOperation) -> FileSystemRecorder? {
        lock.withLock {
            switch operation {
            case .open(let path, _), .remove(let path), .makeDirectory(let path):
                return recorders.values.first { $0.owns(path) }
            case .rename(let source, _):
                return recorders.values.first { $0.owns(source) }
            case .close(let fd), .write(let fd, _, _), .synchronize(let fd), .synchronizeData(let fd), .truncate(let fd, _),
                .preallocate(let fd, _):
                return descriptors[fd]
            }
        }
    }

    func before(_ operation: FileOperation) -> FileFault? {
        recorder(for: operation)?.before(operation)
    }

    func after(_ operation: FileOperation, descriptor: Int32) {
        guard let recorder = recorder(for: operation) else { return }
        recorder.after(operation, descriptor: descriptor)
        switch operation {
        case .open: lock.withLock { descriptors[descriptor] = recorder }
        case .close(let fd): lock.withLock { descriptors[fd] = nil }
        default: break
        }
    }
}

/// A scratch directory for workloads and crash states: in `/dev/shm` when it is writable (a state
/// is opened with its syncs, which cost nothing there), else in the temporary directory. Removed when
/// the value goes away.
public final class CrashScratch: @unchecked Sendable {
    // @unchecked Sendable is sound: `counter` is reached only under `lock`.
    public let path: String
    private let lock = NSLock()
    private var counter = 0

    public init(_ label: String) {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        path = base + "/mmsb-\(label)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A new, empty directory inside.
    public func directory(_ name: String) -> String {
        let number = lock.withLock { () -> Int in
            counter += 1
            return counter
        }
        let directory = path + "/\(name)-\(number)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Removes a directory made by ``directory(_:)``.
    public func remove(_ directory: String) { try? FileManager.default.removeItem(atPath: directory) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
