#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension StateBus {
    /// A read-only view of the store's state at `target`, rebuilt bit for bit from the store's
    /// checkpoint and log. No file is changed and no lock is taken, so this works beside a live writer
    /// (records it is still writing are not seen). The view has no changing calls.
    ///
    /// - Throws: ``LogError/historyUnavailable(target:earliest:)`` when the target lies before what the
    ///   store keeps (its checkpoint, unless it was opened with ``StoreOptions/keepHistory``);
    ///   ``LogError/targetBeyondLog(target:last:)`` for an LSN or epoch past the end of the log; the
    ///   errors of ``open(at:options:)`` for a missing, foreign or damaged store.
    public static func open(at directory: String, asOf target: ReplayTarget, configuration: Configuration = Configuration()) throws -> StateView {
        let (bus, lsn) = try rebuild(snapshot(of: directory), target: target, fullReplay: false, configuration: configuration)
        return StateView(bus: bus, lsn: LSN(lsn))
    }

    /// A read-only view of the store's latest state (checkpoint plus the whole log), without taking
    /// the store's lock: for tools that look at a store beside its writer (records it writes later are
    /// not seen).
    ///
    /// - Throws: the errors of ``open(at:options:)`` for a missing, foreign or damaged store.
    public static func openReadOnly(at directory: String, configuration: Configuration = Configuration()) throws -> StateView {
        let (bus, lsn) = try rebuild(snapshot(of: directory), target: nil, fullReplay: false, configuration: configuration)
        return StateView(bus: bus, lsn: LSN(lsn))
    }

    /// Rebuilds a read-only bus from a store's files: up to `target` (or the whole log), from the
    /// checkpoint, or with `fullReplay` from the empty store by replaying the whole log (which needs the
    /// history from LSN 1).
    static func rebuild(
        _ directory: String, target: ReplayTarget?, fullReplay: Bool, configuration: Configuration = Configuration()
    ) throws -> StateBus {
        try rebuild(snapshot(of: directory), target: target, fullReplay: fullReplay, configuration: configuration).bus
    }

    /// Rebuilds a read-only bus from the files of `snapshot`, as ``rebuild(_:target:fullReplay:configuration:)`` does.
    static func rebuild(
        _ snapshot: StoreSnapshot, target: ReplayTarget?, fullReplay: Bool, configuration: Configuration = Configuration()
    ) throws -> (bus: StateBus, lastLSN: UInt64) {
        let manifest = snapshot.manifest
        let bus = StateBus(configuration: configuration)
        bus.beginReplay()
        var startLSN = manifest.firstLiveSegmentLSN
        var nextDeltaID: UInt64?
        let history = manifest.firstLiveSegmentLSN == 1
        if fullReplay, !history {
            throw LogError.historyUnavailable(target: "a full replay from LSN 1", earliest: LSN(manifest.firstLiveSegmentLSN))
        }
        let useCheckpoint: Bool =
            switch target {
            case _ where fullReplay: false
            case .lsn(let lsn)?: manifest.checkpointLSN > 0 && (lsn.rawValue >= manifest.checkpointLSN || !history)
            case .epoch?, .timestamp?: manifest.checkpointLSN > 0 && !history
            case nil: manifest.checkpointLSN > 0
            }
        let targetText = target?.description ?? "the end of the log"
        if useCheckpoint {
            let contents = try loadCheckpoint(snapshot.checkpoint, manifest: manifest, into: bus)
            startLSN = manifest.checkpointLSN + 1
            nextDeltaID = contents.nextDeltaID
            switch target {
            case .lsn(let lsn)? where lsn.rawValue < manifest.checkpointLSN:
                throw LogError.historyUnavailable(target: targetText, earliest: LSN(manifest.checkpointLSN))
            case .epoch(let cut)? where contents.pages.contains(where: { $0.epoch > cut }):
                throw LogError.historyUnavailable(target: targetText, earliest: LSN(manifest.checkpointLSN))
            default: break
            }
        }
        var walk = LogRecovery(snapshot: snapshot)
        walk.target = target
        let outcome = try walk.run(into: bus, firstLSN: manifest.firstLiveSegmentLSN, startLSN: startLSN, nextDeltaID: nextDeltaID)
        let last = outcome.nextLSN - 1
        switch target {
        case .lsn(let lsn)? where !outcome.stoppedEarly && lsn.rawValue > last:
            throw LogError.targetBeyondLog(target: targetText, last: "the last record is LSN \(last)")
        case .epoch(let cut)? where !outcome.stoppedEarly:
            let highest = bus.pages().map(\.epoch).max() ?? .zero
            if cut > highest { throw LogError.targetBeyondLog(target: targetText, last: "the highest epoch is \(highest)") }
        case .timestamp? where useCheckpoint && outcome.stoppedEarly && outcome.report.recordsReplayed == 0:
            // The first change after the checkpoint is already later than the target: the state asked
            // for lies somewhere before the checkpoint, whose log is gone.
            throw LogError.historyUnavailable(target: targetText, earliest: LSN(manifest.checkpointLSN))
        default: break
        }
        return (bus, last)
    }

    /// Calls `body` with every record of the store's log from LSN `from` on, in order, until it returns
    /// false. Read-only: no file is changed and no lock is taken.
    ///
    /// - Throws: the errors of ``open(at:options:)`` for a missing, foreign or damaged store.
    public static func forEachRecord(inStoreAt directory: String, from: LSN = LSN(1), _ body: (LogRecord) -> Bool) throws {
        let snapshot = try snapshot(of: directory)
        let manifest = snapshot.manifest
        try withoutActuallyEscaping(body) { body in
            var walk = LogRecovery(snapshot: snapshot)
            walk.visit = { record, _, _ in body(record) }
            _ = try walk.run(into: nil, firstLSN: manifest.firstLiveSegmentLSN, startLSN: max(from.rawValue, manifest.firstLiveSegmentLSN), nextDeltaID: nil)
        }
    }

    /// What opening the store for writing with `recovery` would do: the torn tail it would cut, the
    /// unfinished segment it would remove and, with ``RecoveryMode/salvage``, the records and files it
    /// would drop. No file is changed and no lock is taken.
    ///
    /// - Throws: ``LogError/locked(path:)`` when another process has the store open for writing, as
    ///   opening it would (its last record may be half written, which is no torn tail); the errors of
    ///   ``open(at:options:)`` for a missing or foreign store, and ``LogError/corrupt(file:offset:reason:)``
    ///   for damage that `recovery` would refuse too.
    public static func recoveryPlan(forStoreAt directory: String, recovery: RecoveryMode = .tolerateTornTail) throws -> RecoveryReport {
        let snapshot = try snapshot(of: directory)
        if snapshot.writerActive { throw LogError.locked(path: snapshot.path + "/" + OpenStore.lockName) }
        let manifest = snapshot.manifest
        var walk = LogRecovery(directory: OpenStore.logDirectory(snapshot.path), store: manifest.store, mode: recovery)
        walk.snapshot = snapshot
        walk.dryRun = true
        walk.cleanEndLSN = manifest.cleanEndLSN
        let start = manifest.checkpointLSN > 0 ? manifest.checkpointLSN + 1 : manifest.firstLiveSegmentLSN
        var report = try walk.run(into: nil, firstLSN: manifest.firstLiveSegmentLSN, startLSN: start, nextDeltaID: nil).report
        report.checkpointLSN = LSN(manifest.checkpointLSN)
        if report.lastLSN.rawValue < manifest.checkpointLSN { report.lastLSN = LSN(manifest.checkpointLSN) }
        return report
    }

    /// Counts and sizes of a store's log and checkpoint. Read-only.
    public static func summary(ofStoreAt directory: String) throws -> StoreSummary {
        try summary(of: snapshot(of: directory))
    }

    /// Counts and sizes of the files of `snapshot`.
    static func summary(of snapshot: StoreSnapshot) throws -> StoreSummary {
        let manifest = snapshot.manifest
        var summary = StoreSummary(store: manifest.store, checkpointLSN: LSN(manifest.checkpointLSN), firstLiveLSN: LSN(manifest.firstLiveSegmentLSN))
        var perPage: [PageID: Int] = [:]
        var walk = LogRecovery(snapshot: snapshot)
        walk.visit = { record, _, _ in
            summary.records += 1
            summary.lastLSN = record.lsn
            summary.lastTimestamp = record.timestamp
            if case .deltas(let deltas) = record.body {
                summary.deltas += deltas.count
                for delta in deltas {
                    summary.payloadBytes += delta.byteCount
                    summary.lastEpoch = max(summary.lastEpoch, delta.epoch)
                    perPage[delta.page, default: 0] += 1
                }
            }
            return true
        }
        let outcome = try walk.run(into: nil, firstLSN: manifest.firstLiveSegmentLSN, startLSN: manifest.firstLiveSegmentLSN, nextDeltaID: nil)
        summary.tornTail = outcome.report.tornTail
        summary.unfinishedSegment = outcome.report.unfinishedSegment
        summary.writerActive = snapshot.writerActive
        summary.cleanEndLSN = LSN(manifest.cleanEndLSN)
        summary.deltasPerPage = perPage.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        for segment in snapshot.segments {
            summary.segments.append((segment.name, segment.bytes.count))
            summary.bytesOnDisk += segment.bytes.count
        }
        if let checkpoint = snapshot.checkpoint {
            summary.checkpoints.append((checkpoint.name, checkpoint.bytes.count))
            summary.bytesOnDisk += checkpoint.bytes.count
        }
        return summary
    }

    /// A snapshot of the store in `directory`, which must exist and hold a manifest.
    static func snapshot(of directory: String) throws(LogError) -> StoreSnapshot {
        try StoreSnapshot.take(of: existingStore(directory))
    }

    /// The store directory, which must exist and hold a manifest.
    private static func existingStore(_ directory: String) throws(LogError) -> String {
        let path = OpenStore.normalizedPath(directory)
        let kind = FileSystem.kind(of: path)
        guard kind.exists else { throw .storeNotFound(path: path) }
        guard kind.isDirectory else { throw .notAStore(path: path, found: .file) }
        guard FileSystem.kind(of: path + "/" + Manifest.fileName).exists else {
            throw .notAStore(path: path, found: try FileSystem.list(path).isEmpty ? .emptyDirectory : .otherFiles)
        }
        return path
    }

    /// Decodes the manifest's checkpoint and loads it into `bus`.
    static func loadCheckpoint(path: String, manifest: Manifest, into bus: StateBus) throws -> CheckpointFile.Contents {
        let name = CheckpointFile.name(manifest.checkpointLSN)
        let file = OpenStore.checkpointDirectory(path) + "/" + name
        return try loadCheckpoint(
            StoreSnapshot.PinnedFile(name: name, path: file, file: try PosixFile.open(file, flags: O_RDONLY)), manifest: manifest, into: bus)
    }

    /// Decodes a pinned checkpoint (the one `manifest` names) and loads it into `bus`.
    static func loadCheckpoint(_ pinned: StoreSnapshot.PinnedFile?, manifest: Manifest, into bus: StateBus) throws -> CheckpointFile.Contents {
        guard let pinned else {
            throw LogError.corrupt(file: CheckpointFile.name(manifest.checkpointLSN), offset: 0, reason: "the manifest's checkpoint is missing")
        }
        let file = pinned.path
        let contents = try CheckpointFile.decode(pinned.bytes, file: file, store: manifest.store)
        guard contents.lsn == manifest.checkpointLSN else {
            throw LogError.corrupt(file: file, offset: 32, reason: "covers LSN \(contents.lsn), the manifest says \(manifest.checkpointLSN)")
        }
        do {
            try bus.restore(contents)
        } catch {
            throw LogError.corrupt(file: file, offset: 0, reason: "checkpoint does not load: \(error)")
        }
        return contents
    }
}

/// What a store's files hold: counts and sizes for `mmsb inspect`.
public struct StoreSummary: Sendable {
    public var store: StoreID
    /// The LSN the live checkpoint covers (0: none).
    public var checkpointLSN: LSN
    /// The first LSN the log still holds.
    public var firstLiveLSN: LSN
    /// Records in the log.
    public var records = 0
    /// Deltas in those records.
    public var deltas = 0
    /// Payload bytes of those deltas.
    public var payloadBytes = 0
    /// Bytes of segments and checkpoints on disk.
    public var bytesOnDisk = 0
    /// The LSN of the last record in the live log (0 when it holds none: the state is then the
    /// checkpoint's, at ``checkpointLSN``).
    public var lastLSN = LSN.zero
    public var lastEpoch = Epoch.zero
    public var lastTimestamp: UInt64 = 0
    /// Deltas per page, in page order.
    public var deltasPerPage: [(page: PageID, deltas: Int)] = []
    /// Segment files and their sizes.
    public var segments: [(name: String, bytes: Int)] = []
    /// Checkpoint files and their sizes.
    public var checkpoints: [(name: String, bytes: Int)] = []
    /// Damage at the log's end, which the next writable open would cut.
    public var tornTail: RecoveryReport.Damage?
    /// An unfinished last segment, which the next writable open would remove.
    public var unfinishedSegment: RecoveryReport.Damage?
    /// Whether a writer held the store when it was read: its last record may then have been in the
    /// middle of being written, which looks like a torn tail.
    public var writerActive = false
    /// Where the log ended at the last clean close (0: not closed cleanly since its last writable open).
    public var cleanEndLSN = LSN.zero
}
