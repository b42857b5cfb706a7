import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension StateBus {
    /// Opens the store in `directory`, creating it if asked, and returns its bus, recovered to the last
    /// record in the log.
    ///
    /// Recovery replays every record of the log through the same checks as live calls. A torn tail
    /// (the last, partly written records of a crash) is cut and reported in ``recoveryReport``; damage
    /// anywhere else is an error naming the file and offset, unless `options.recovery` is ``RecoveryMode/salvage``.
    /// - Throws: ``LogError`` (not a store, another store's files, newer format, corruption, locked,
    ///   I/O), and ``PageError`` / ``DeltaError`` never: a record that does not apply is ``LogError/corrupt(file:offset:reason:)``.
    public static func open(at directory: String, options: StoreOptions = StoreOptions()) throws -> StateBus {
        let path = OpenStore.normalizedPath(directory)
        let kind = FileSystem.kind(of: path)
        if !kind.exists {
            guard options.createIfMissing else { throw LogError.storeNotFound(path: path) }
            try FileSystem.makeDirectory(path)
        } else if !kind.isDirectory {
            throw LogError.notAStore(path: path, found: .file)
        }
        // Refuse a directory that is not a store before leaving a LOCK file in it.
        let hasManifest = FileSystem.kind(of: path + "/" + Manifest.fileName).exists
        if !hasManifest, try !isEmptyOrUnfinishedStore(path, removingLeftovers: false) { throw LogError.notAStore(path: path, found: .otherFiles) }
        let lock = try PosixFile.open(path + "/" + OpenStore.lockName, flags: O_CREAT | O_RDWR)
        try lock.lockExclusively()

        var created = false
        if !FileSystem.kind(of: path + "/" + Manifest.fileName).exists {
            guard try isEmptyOrUnfinishedStore(path, removingLeftovers: true) else { throw LogError.notAStore(path: path, found: .otherFiles) }
            try FileSystem.makeDirectory(OpenStore.logDirectory(path))
            try FileSystem.makeDirectory(OpenStore.checkpointDirectory(path))
            // The directories are durable before the manifest that makes the folder a store.
            try FileSystem.synchronizeDirectory(path)
            let manifest = Manifest(store: options.storeID ?? .random(), generation: 1, firstLiveSegmentLSN: 1, checkpointLSN: 0)
            try manifest.create(directory: path)
            created = true
        }
        var manifest = try Manifest.read(directory: path)
        if !FileSystem.kind(of: OpenStore.logDirectory(path)).isDirectory {
            // A crash during creation may keep the manifest's entry but not the log directory's (the
            // file system reordered them): nothing was acknowledged in a store that never checkpointed.
            guard manifest.generation <= 1, manifest.checkpointLSN == 0, manifest.firstLiveSegmentLSN == 1 else {
                throw LogError.corrupt(file: OpenStore.logDirectory(path), offset: 0, reason: "the log directory is missing")
            }
            try FileSystem.makeDirectory(OpenStore.logDirectory(path))
            created = true
        }
        if !FileSystem.kind(of: OpenStore.checkpointDirectory(path)).exists {
            try FileSystem.makeDirectory(OpenStore.checkpointDirectory(path))
        }

        let bus = StateBus(configuration: options.bus)
        bus.beginReplay()
        var startLSN = manifest.firstLiveSegmentLSN
        var nextDeltaID: UInt64?
        if manifest.checkpointLSN > 0 {
            let contents = try loadCheckpoint(path: path, manifest: manifest, into: bus)
            startLSN = manifest.checkpointLSN + 1
            nextDeltaID = contents.nextDeltaID
        }
        var recovery = LogRecovery(directory: OpenStore.logDirectory(path), store: manifest.store, mode: options.recovery)
        recovery.cleanEndLSN = manifest.cleanEndLSN
        var outcome = try recovery.run(
            into: bus, firstLSN: manifest.firstLiveSegmentLSN, startLSN: startLSN, nextDeltaID: nextDeltaID)
        outcome.report.created = created
        outcome.report.checkpointLSN = LSN(manifest.checkpointLSN)
        // What recovery built on may be bytes a crashed process wrote but never synced; nothing new is
        // acknowledged on top of them until they, and every directory entry, are durable.
        try StoreFiles.synchronizeAll(path)
        if manifest.cleanEndLSN != 0 {
            // From now on the log may grow past the clean end; the next clean close records a new one.
            var next = manifest
            next.generation += 1
            next.cleanEndLSN = 0
            try next.update(directory: path)
            manifest = next
        }
        let log = try TransactionLog(
            directory: OpenStore.logDirectory(path), store: manifest.store, durability: options.durability,
            segmentLimit: max(options.segmentSize, 4_096), nextLSN: outcome.nextLSN, nextDeltaID: outcome.nextDeltaID,
            timestamp: options.bus.clock.now())
        let store = OpenStore(path: path, manifest: manifest, log: log, report: outcome.report, options: options, lock: lock)
        bus.attach(log, store: store)
        try bus.collectGarbage(store: store, manifest: manifest)
        return bus
    }

    /// Whether `path` holds nothing, or only what a creation interrupted before its manifest was in place
    /// leaves: the lock, empty `log/` and `ckpt/` directories, a `MANIFEST.tmp` (removed here).
    private static func isEmptyOrUnfinishedStore(_ path: String, removingLeftovers: Bool) throws(LogError) -> Bool {
        for entry in try FileSystem.list(path) {
            switch entry {
            case OpenStore.lockName:
                continue
            case Manifest.fileName + ".tmp":
                if removingLeftovers { try FileSystem.remove(path + "/" + entry) }
            case "log", "ckpt":
                guard try FileSystem.list(path + "/" + entry).isEmpty else { return false }
            default:
                return false
            }
        }
        return true
    }

    /// What opening the store found and did; `nil` for an in-memory bus.
    public var recoveryReport: RecoveryReport? { store?.report }

    /// The store's directory; `nil` for an in-memory bus.
    public var storePath: String? { store?.path }

    /// The identity of the store; `nil` for an in-memory bus.
    public var storeID: StoreID? { store?.store }

    /// The LSN the next change will be logged at; `nil` for an in-memory bus.
    public var nextLSN: LSN? { store?.log.nextLSN }

    /// Writes and syncs everything logged so far, whatever the durability mode.
    ///
    /// - Throws: ``LogError`` if the write or sync fails (the store then refuses further writes).
    public func sync() throws {
        guard let store else { return }
        try state.withWriteLock { _ throws(LogError) in try store.log.sync() }
    }

    /// Takes a checkpoint (unless ``StoreOptions/checkpointOnClose`` is off), writes and syncs the log,
    /// records in the manifest where the log ends, and closes every file of the store, releasing its
    /// lock. Later changes fail with ``LogError/closed``; a second `close()` does nothing.
    ///
    /// The descriptors are released even when a step fails (the first failure is thrown). Dropping the
    /// last reference to a bus without closing it loses what `none` or `batched` mode had not yet
    /// written; ``Durability/always`` loses nothing.
    ///
    /// Closing also ends every ``events(_:)`` sequence and drops every ``subscribe(to:_:)`` handler, once
    /// the events of earlier changes were delivered. An in-memory bus closes too: its changes then fail
    /// with ``LogError/closed`` and its reads go on working.
    public func close() throws {
        defer { events.close() }
        guard let store else {
            isClosed.store(true, ordering: .releasing)
            return
        }
        guard store.beginClosing() else { return }
        var failure: (any Error)?
        if store.options.checkpointOnClose {
            do { try checkpoint() } catch { failure = error }
        }
        isClosed.store(true, ordering: .releasing)
        do {
            try state.withWriteLock { (state) throws(LogError) in
                try store.close(recordingCleanEnd: failure == nil && state.failure == nil)
            }
        } catch {
            failure = failure ?? error
        }
        if let failure { throw failure }
    }
}
