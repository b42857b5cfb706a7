#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The on-disk side of a bus opened from a directory: its paths, lock, manifest, log and recovery report.
final class OpenStore: Sendable {
    let path: String
    /// The current manifest; its lock also serialises checkpoints.
    let manifest: Locked<Manifest>
    let store: StoreID
    let log: TransactionLog
    let report: RecoveryReport
    let options: StoreOptions
    /// Held open for the store's lifetime: its `flock` keeps other processes from writing.
    private let lock: LockHolder

    init(path: String, manifest: Manifest, log: TransactionLog, report: RecoveryReport, options: StoreOptions, lock: consuming PosixFile) {
        self.path = path
        self.manifest = Locked(manifest)
        store = manifest.store
        self.log = log
        self.report = report
        self.options = options
        self.lock = LockHolder(lock)
    }

    var logDirectory: String { Self.logDirectory(path) }
    var checkpointDirectory: String { Self.checkpointDirectory(path) }
    static func checkpointDirectory(_ path: String) -> String { path + "/ckpt" }

    /// Closes the log and releases the store's lock, so the directory can be opened again.
    func close() throws(LogError) {
        defer { lock.release() }
        try log.close()
    }

    static func logDirectory(_ path: String) -> String { path + "/log" }

    /// `directory` without a trailing slash (except for `/` itself), the form every store path takes.
    static func normalizedPath(_ directory: String) -> String {
        directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }
    static let lockName = "LOCK"
}

/// Owns the lock file's descriptor until the store is closed or goes away.
private final class LockHolder: Sendable {
    /// The descriptor, or -1 once released.
    private let descriptor: Locked<Int32>

    init(_ file: consuming PosixFile) {
        // The PosixFile closes its own descriptor when it goes; keep a duplicate, which shares the open
        // file description and so the flock.
        descriptor = Locked(dup(file.descriptor))
    }

    /// Closes the descriptor, releasing the lock; later calls do nothing.
    func release() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { Glibc.close(descriptor) }
            descriptor = -1
        }
    }

    deinit { release() }
}
