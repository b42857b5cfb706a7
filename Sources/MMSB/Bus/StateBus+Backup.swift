#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``StateBus/backup(storeAt:to:)`` copied.
public struct BackupReport: Sendable, Equatable {
    /// The last log record the backup holds: it is the store's state after this LSN.
    public var lsn: LSN
    /// The LSN the copied checkpoint covers (0: the store had none).
    public var checkpointLSN: LSN
    /// The files written: the checkpoint, the log segments and the manifest.
    public var files: Int
    /// The bytes of the copied checkpoint and segments.
    public var bytes: Int
}

extension StateBus {
    /// Copies the store at `directory` into a new store at `destination`, consistent at one LSN, while
    /// the store may be in use (like SQLite's backup API and LMDB's `mdb_env_copy`).
    ///
    /// The store's files are pinned at one moment (its manifest, checkpoint and live log segments), so
    /// a writer may go on appending, rotating and checkpointing meanwhile; the backup holds every record
    /// that was whole in the log at that moment and nothing after (a record the writer was still
    /// appending is left out, as a crash would leave it out). It is a byte copy, so it costs what copying
    /// the checkpoint and the live log costs; no record is replayed. Every file is synced, and the
    /// manifest, which makes the folder a store, is written last: a crash during a backup leaves a
    /// folder without one, which is not a store. The backup has the store's id and records its clean
    /// end, so ``verify(storeAt:)`` on it checks exactly what was copied.
    ///
    /// - Parameters:
    ///   - directory: The store to copy.
    ///   - destination: A directory that does not exist (its parent must) or is empty.
    /// - Throws: ``LogError/notAStore(path:found:)`` when `destination` is a file or a directory with
    ///   files in it; the errors of ``open(at:options:)`` for a missing, foreign or damaged store;
    ///   ``LogError/io(operation:path:errno:)`` when a file cannot be written, after removing what the
    ///   backup had written.
    @discardableResult
    public static func backup(storeAt directory: String, to destination: String) throws -> BackupReport {
        let source = try snapshot(of: directory)
        let manifest = source.manifest
        let target = OpenStore.normalizedPath(destination)
        let kind = FileSystem.kind(of: target)
        if kind.exists {
            guard kind.isDirectory else { throw LogError.notAStore(path: target, found: .file) }
            guard try FileSystem.list(target).isEmpty else { throw LogError.notAStore(path: target, found: .otherFiles) }
        }
        // Whole records only: a read-only walk stops at a record a writer is still appending.
        let walk = LogRecovery(snapshot: source)
        let outcome = try walk.run(into: nil, firstLSN: manifest.firstLiveSegmentLSN, startLSN: UInt64.max, nextDeltaID: nil)
        let lastLSN = outcome.nextLSN - 1
        var report = BackupReport(lsn: LSN(lastLSN), checkpointLSN: LSN(manifest.checkpointLSN), files: 0, bytes: 0)
        do {
            if !kind.exists { try FileSystem.makeDirectory(target) }
            try FileSystem.makeDirectory(OpenStore.logDirectory(target))
            try FileSystem.makeDirectory(OpenStore.checkpointDirectory(target))
            if let checkpoint = source.checkpoint {
                try copy(checkpoint.bytes, to: OpenStore.checkpointDirectory(target) + "/" + checkpoint.name)
                report.files += 1
                report.bytes += checkpoint.bytes.count
            }
            for segment in source.segments {
                if outcome.report.unfinishedSegment?.file == segment.path { continue }
                var bytes = segment.bytes
                if let torn = outcome.report.tornTail, torn.file == segment.path {
                    bytes = UnsafeRawBufferPointer(rebasing: bytes[..<torn.offset])
                }
                try copy(bytes, to: OpenStore.logDirectory(target) + "/" + segment.name)
                report.files += 1
                report.bytes += bytes.count
            }
            for folder in [OpenStore.logDirectory(target), OpenStore.checkpointDirectory(target), target] {
                try FileSystem.synchronizeDirectory(folder)
            }
            let copied = Manifest(
                store: manifest.store, generation: 1, firstLiveSegmentLSN: manifest.firstLiveSegmentLSN,
                checkpointLSN: manifest.checkpointLSN, cleanEndLSN: lastLSN)
            try copied.create(directory: target)
            try FileSystem.synchronizeDirectory(StoreFiles.parent(of: target))
            report.files += 1
        } catch {
            removeBackup(target, removingDirectory: !kind.exists)
            throw error
        }
        return report
    }

    /// Writes `bytes` to a new file at `path` and syncs it.
    private static func copy(_ bytes: UnsafeRawBufferPointer, to path: String) throws(LogError) {
        let file = try PosixFile.open(path, flags: O_CREAT | O_EXCL | O_WRONLY)
        try file.write(bytes, at: 0)
        try file.synchronize()
    }

    /// Removes what a failed backup wrote at `path`, best effort.
    private static func removeBackup(_ path: String, removingDirectory: Bool) {
        for folder in [OpenStore.logDirectory(path), OpenStore.checkpointDirectory(path)] {
            for name in (try? FileSystem.list(folder)) ?? [] { try? FileSystem.remove(folder + "/" + name) }
            rmdir(folder)
        }
        try? FileSystem.remove(path + "/" + Manifest.fileName + ".tmp")
        try? FileSystem.remove(path + "/" + Manifest.fileName)
        if removingDirectory { rmdir(path) }
    }
}
