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

    /// Set by the first ``StateBus/close()``.
    private let closing = Atomic<Bool>(false)

    /// Whether this call is the first to close the store (later calls do nothing).
    func beginClosing() -> Bool {
        !closing.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Writes and syncs the log, closes it and, when `recordingCleanEnd`, records in the manifest where
    /// the log ends; then releases the store's lock, so the directory can be opened again. Every
    /// descriptor is closed even when a step fails. Called under the bus's write lock.
    func close(recordingCleanEnd: Bool) throws(LogError) {
        defer { lock.release() }
        let end = try log.close()
        guard recordingCleanEnd, let end else { return }
        try manifest.withLock { (manifest) throws(LogError) in
            // A checkpoint that covers the end already says where the log ends.
            guard end > manifest.checkpointLSN, end != manifest.cleanEndLSN else { return }
            var next = manifest
            next.generation += 1
            next.cleanEndLSN = end
            try next.update(directory: path)
            manifest = next
        }
    }

    static func logDirectory(_ path: String) -> String { path + "/log" }

    /// `directory` without a trailing slash (except for `/` itself), the form every store path takes.
    static func normalizedPath(_ directory: String) -> String {
        directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }
    static let lockName = "LOCK"
}

/// Owns the lock file's descriptor (opened close-on-exec, so no child process inherits the lock)
/// until the store is closed or goes away.
private final class LockHolder: Sendable {
    private let file: Locked<PosixFile>

    init(_ file: consuming PosixFile) {
        self.file = Locked(file)
    }

    /// Closes the descriptor, releasing the lock; later calls do nothing.
    func release() {
        file.withLock { $0.close() }
    }
}
