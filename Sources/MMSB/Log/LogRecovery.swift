#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks a store's log: reads every live segment in LSN order, checks each record, and replays it into a
/// bus (recovery, time travel) or hands it to a visitor (iteration, summaries).
///
/// When writing (`readOnly` false) it cuts a torn tail, or salvages, as ``RecoveryMode`` says, and
/// removes empty or unfinished last segments; every change it makes is durable before it returns.
/// Read-only walks never change a file: they stop at the first bad record. A dry run (`dryRun`) walks
/// as a writer would, salvaging included, and reports what it would cut and remove, changing nothing.
struct LogRecovery {
    let directory: String
    let store: StoreID
    let mode: RecoveryMode
    var readOnly = false
    /// Report what a writing walk would cut and remove, without touching a file.
    var dryRun = false
    /// Stop before the first record past this point (time travel).
    var target: ReplayTarget?
    /// Called with every record read (decoded), its segment and offset; return false to stop.
    var visit: ((LogRecord, String, Int) -> Bool)?
    /// Files pinned by a reader: walked instead of the directory's current files.
    var snapshot: StoreSnapshot?
    /// The last LSN of the log as the last clean close recorded it (0: none). Records up to it must be
    /// there intact: damage at or before it is corruption, not a torn tail.
    var cleanEndLSN: UInt64 = 0

    init(directory: String, store: StoreID, mode: RecoveryMode) {
        self.directory = directory
        self.store = store
        self.mode = mode
    }

    /// A read-only walk over the files of `snapshot`.
    init(snapshot: StoreSnapshot) {
        self.init(directory: OpenStore.logDirectory(snapshot.path), store: snapshot.manifest.store, mode: .tolerateTornTail)
        self.snapshot = snapshot
        readOnly = true
        cleanEndLSN = snapshot.manifest.cleanEndLSN
    }

    /// Whether this walk cuts and removes files.
    private var changesFiles: Bool { !readOnly && !dryRun }
    /// Whether damage before the tail is salvaged (or, in a dry run, reported as what salvage would drop).
    private var salvages: Bool { (!readOnly || dryRun) && mode == .salvage }
    /// Whether a cut or removal is reported as made (or, in a dry run, as one that would be made).
    private var reportsChanges: Bool { !readOnly || dryRun }

    /// Where the log continues after recovery.
    struct Outcome {
        var report: RecoveryReport
        var nextLSN: UInt64
        var nextDeltaID: UInt64
        /// Whether the walk stopped at the target (or the visitor) before the end of the log.
        var stoppedEarly = false

        init(report: RecoveryReport, nextLSN: UInt64, nextDeltaID: UInt64, stoppedEarly: Bool = false) {
            self.report = report
            // The state reached: the last record read, or the checkpoint when none follows it.
            self.report.lastLSN = LSN(nextLSN - 1)
            self.nextLSN = nextLSN
            self.nextDeltaID = nextDeltaID
            self.stoppedEarly = stoppedEarly
        }
    }

    /// Reads the segments of `directory` from `firstLSN` and replays into `bus` every record from
    /// `startLSN` on (records before it are covered by the checkpoint the bus was loaded from, and are
    /// only checked). `nextDeltaID` is the checkpoint's; without one, the first segment's header says.
    func run(into bus: StateBus?, firstLSN: UInt64, startLSN: UInt64, nextDeltaID checkpointDeltaID: UInt64?) throws(LogError) -> Outcome {
        var report = RecoveryReport()
        var expectedLSN = firstLSN
        // Delta ids count from the first segment's header; where a checkpoint's counter meets the log
        // (at `startLSN`), the two must agree.
        var nextDeltaID: UInt64 = checkpointDeltaID ?? 1
        var counting = false
        var previousTimestamp: UInt64 = 0
        let names = try segmentNames().filter { LogWriter.segmentLSN(fromName: $0)! >= firstLSN }
        var lastSegment: (path: String, size: Int)?
        for (index, name) in names.enumerated() {
            let isLast = index == names.count - 1
            let segment = try pinnedSegment(name: name)
            let path = segment.path
            let bytes = segment.bytes
            // A crash while a segment was being started can leave it with its size but not its header.
            if isLast, let reason = Self.unfinishedSegment(bytes) {
                if changesFiles { try removeDurably(path) }
                report.unfinishedSegment = RecoveryReport.Damage(
                    file: path, offset: 0, bytesDropped: bytes.count, filesDropped: reportsChanges ? [path] : [], reason: reason)
                break
            }
            let header = try SegmentHeader.decode(bytes, file: path, store: store)
            guard LogWriter.segmentName(header.baseLSN) == name else {
                throw .corrupt(file: path, offset: 32, reason: "base LSN \(header.baseLSN) does not match the file name")
            }
            guard header.baseLSN == expectedLSN else {
                if header.baseLSN > expectedLSN {
                    // A segment is missing: with salvage the chain ends here.
                    if salvages, index > 0 {
                        let previous = try pinnedSegment(name: names[index - 1])
                        report.salvaged = try salvage(
                            names, keepingThrough: index - 1, cut: previous.path, at: previous.bytes.count, size: previous.bytes.count,
                            firstDropped: expectedLSN, reason: "no segment holds record \(expectedLSN)")
                        return Outcome(report: report, nextLSN: expectedLSN, nextDeltaID: nextDeltaID)
                    }
                    throw .missingSegment(expectedLSN: expectedLSN, file: directory + "/" + LogWriter.segmentName(expectedLSN))
                }
                throw .corrupt(file: path, offset: 32, reason: "base LSN \(header.baseLSN) overlaps records up to \(expectedLSN - 1)")
            }
            if !counting {
                nextDeltaID = header.firstDeltaID
                counting = true
            }
            guard header.firstDeltaID == nextDeltaID else {
                throw .corrupt(file: path, offset: 40, reason: "first delta id \(header.firstDeltaID), expected \(nextDeltaID)")
            }
            report.segmentsRead += 1
            previousTimestamp = header.baseTimestamp
            var offset = SegmentHeader.size
            var recordsInSegment = 0
            scan: while true {
                if expectedLSN == startLSN, let checkpointDeltaID, checkpointDeltaID != nextDeltaID {
                    throw .corrupt(
                        file: path, offset: offset,
                        reason: "the checkpoint's next delta id is \(checkpointDeltaID) but the log's is \(nextDeltaID)")
                }
                let outcome = try replayNext(
                    bytes, at: offset, header: header, expectedLSN: expectedLSN, previousTimestamp: previousTimestamp,
                    nextDeltaID: &nextDeltaID, bus: bus, path: path, apply: expectedLSN >= startLSN)
                switch outcome {
                case .end:
                    break scan
                case .stop:
                    return Outcome(report: report, nextLSN: expectedLSN, nextDeltaID: nextDeltaID, stoppedEarly: true)
                case .replayed(let lsn, let timestamp, let next):
                    expectedLSN += 1
                    previousTimestamp = timestamp
                    offset = next
                    recordsInSegment += 1
                    if lsn >= startLSN { report.recordsReplayed += 1 }
                    report.lastLSN = LSN(lsn)
                case .invalid(let badOffset, let reason):
                    // A torn tail: the end of the last segment of a log no clean close vouched for
                    // (a cleanly closed log ends exactly at its last record: anything else is damage).
                    if isLast, !closedCleanly(firstLSN: firstLSN) {
                        // A read-only walk reports the torn tail but leaves the file as it is.
                        if changesFiles { try cut(path, at: offset) }
                        report.tornTail = RecoveryReport.Damage(
                            file: path, offset: offset, bytesDropped: bytes.count - offset, filesDropped: [],
                            reason: "\(reason) (at offset \(badOffset))")
                        break scan
                    }
                    let what = closedCleanly(firstLSN: firstLSN) && isLast
                        ? "\(reason); the store was closed cleanly with its log ending at LSN \(cleanEndLSN), so this is damage, not a torn tail"
                        : reason
                    // Damage in a sealed segment is corruption for every reader; only a writable open
                    // may salvage it.
                    guard salvages else { throw .corrupt(file: path, offset: badOffset, reason: what) }
                    report.salvaged = try salvage(
                        names, keepingThrough: index, cut: path, at: offset, size: bytes.count, firstDropped: expectedLSN,
                        reason: "\(what) (at offset \(badOffset))")
                    return Outcome(report: report, nextLSN: expectedLSN, nextDeltaID: nextDeltaID)
                }
            }
            lastSegment = (path, offset)
            // An empty last segment (a crash right after rotation or open) holds nothing: remove it so
            // the next segment can start at the same LSN.
            if recordsInSegment == 0, isLast, changesFiles { try removeDurably(path) }
        }
        // A clean close recorded where the log ends: a log that ends earlier lost records.
        if mustBeIntact(expectedLSN, firstLSN: firstLSN) {
            let file = lastSegment?.path ?? directory
            let reason = "the store was closed cleanly with its log ending at LSN \(cleanEndLSN), but the log ends at LSN \(expectedLSN - 1)"
            guard salvages else { throw .corrupt(file: file, offset: lastSegment?.size ?? 0, reason: reason) }
            report.salvaged = RecoveryReport.Damage(
                file: file, offset: lastSegment?.size ?? 0, bytesDropped: 0, filesDropped: [], reason: reason,
                recordsDropped: Int(cleanEndLSN - expectedLSN + 1), droppedLSNs: LSN(expectedLSN)...LSN(cleanEndLSN), totalBytesDropped: 0)
        }
        // Nothing in the log after the checkpoint: its counter is the authority.
        if let checkpointDeltaID, expectedLSN <= startLSN { nextDeltaID = checkpointDeltaID }
        return Outcome(report: report, nextLSN: expectedLSN, nextDeltaID: nextDeltaID)
    }

    /// Whether the record at `lsn` must be in the log: a clean close said the log reached it.
    private func mustBeIntact(_ lsn: UInt64, firstLSN: UInt64) -> Bool {
        closedCleanly(firstLSN: firstLSN) && lsn <= cleanEndLSN
    }

    /// Whether the last close was clean and recorded where the live log ends, so that the log must
    /// end exactly there: no torn tail is possible.
    private func closedCleanly(firstLSN: UInt64) -> Bool { cleanEndLSN >= firstLSN }

    /// Why a last segment is an unfinished start rather than damage, or `nil` when it is not one: a file
    /// shorter than a header, or one whose header is invalid while every byte after it is zero (the file
    /// system kept the size of the first write but not its data). No record was ever acknowledged in it.
    static func unfinishedSegment(_ bytes: UnsafeRawBufferPointer) -> String? {
        if bytes.count < SegmentHeader.size {
            return "a segment of \(bytes.count) bytes, shorter than its header: its creation never finished"
        }
        guard UnsafeRawBufferPointer(rebasing: bytes[SegmentHeader.size...]).allSatisfy({ $0 == 0 }) else { return nil }
        if (try? SegmentHeader.decode(bytes, file: "", store: nil)) != nil { return nil }
        return "a segment whose header never reached the disk and that holds nothing else: an unfinished rotation"
    }

    /// Drops everything after segment `keep` (which is cut at `offset`) durably, in an order that leaves a
    /// valid chain at every step: later segments go first, newest first, and the directory is synced;
    /// only then is the damaged segment cut (or removed, when no record is left in it) and synced. A
    /// crash part-way leaves a store that the same salvage finishes.
    private func salvage(
        _ names: [String], keepingThrough keep: Int, cut path: String, at offset: Int, size: Int, firstDropped: UInt64, reason: String
    ) throws(LogError) -> RecoveryReport.Damage {
        let later = names[(keep + 1)...].map { directory + "/" + $0 }
        var laterBytes = 0
        var lastDropped: UInt64? = size > offset ? firstDropped : nil
        for name in names[(keep + 1)...] {
            let segment = try pinnedSegment(name: name)
            laterBytes += segment.bytes.count
            if let last = Self.lastReadableLSN(segment.bytes, store: store) { lastDropped = max(lastDropped ?? 0, last) }
        }
        if cleanEndLSN >= firstDropped { lastDropped = max(lastDropped ?? 0, cleanEndLSN) }
        if changesFiles {
            for file in later.reversed() { try FileSystem.remove(file) }
            if !later.isEmpty { try FileSystem.synchronizeDirectory(directory) }
        }
        var dropped = later
        if offset <= SegmentHeader.size, size > offset {
            if changesFiles { try removeDurably(path) }
            dropped.insert(path, at: 0)
        } else if size > offset, changesFiles {
            try cut(path, at: offset)
        }
        var damage = RecoveryReport.Damage(
            file: path, offset: offset, bytesDropped: size - offset, filesDropped: dropped, reason: reason,
            totalBytesDropped: size - offset + laterBytes)
        if let lastDropped, lastDropped >= firstDropped {
            damage.droppedLSNs = LSN(firstDropped)...LSN(lastDropped)
            damage.recordsDropped = Int(lastDropped - firstDropped + 1)
        }
        return damage
    }

    /// The LSN of the last record that can be read in a segment's chain from its start, or the LSN
    /// before its base when none can; `nil` when its header is unreadable.
    private static func lastReadableLSN(_ bytes: UnsafeRawBufferPointer, store: StoreID) -> UInt64? {
        guard let header = try? SegmentHeader.decode(bytes, file: "", store: store) else { return nil }
        var lsn = header.baseLSN
        var offset = SegmentHeader.size
        var timestamp = header.baseTimestamp
        while case .frame(let frame) = RecordFrame.readFrame(
            bytes, at: offset, header: header, salt: header.salt, expectedLSN: lsn, previousTimestamp: timestamp)
        {
            lsn += 1
            offset = frame.end
            timestamp = frame.timestamp
        }
        return lsn > header.baseLSN ? lsn - 1 : nil
    }

    /// What replaying the bytes at an offset did.
    private enum Step {
        case replayed(lsn: UInt64, timestamp: UInt64, next: Int)
        case end
        /// The target or the visitor says to stop before this record.
        case stop
        case invalid(offset: Int, reason: String)
    }

    /// Checks and replays the record at `offset`: deltas records straight from the bytes, others decoded.
    /// - Throws: ``LogError/corrupt(file:offset:reason:)`` for a valid record that does not apply.
    private func replayNext(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, header: SegmentHeader, expectedLSN: UInt64,
        previousTimestamp: UInt64, nextDeltaID: inout UInt64, bus: StateBus?, path: String, apply: Bool
    ) throws(LogError) -> Step {
        let frame: RecordFrame.Frame
        switch RecordFrame.readFrame(
            bytes, at: offset, header: header, salt: header.salt, expectedLSN: expectedLSN, previousTimestamp: previousTimestamp)
        {
        case .end: return .end
        case .invalid(let badOffset, let reason): return .invalid(offset: badOffset, reason: reason)
        case .frame(let checked): frame = checked
        }
        switch target {
        case .lsn(let last)? where frame.lsn > last.rawValue: return .stop
        case .timestamp(let last)? where frame.timestamp > last: return .stop
        default: break
        }
        // Covered by the checkpoint (or before the walk's start): the frame is checked, the record is
        // not applied again, only its deltas counted.
        guard apply else {
            if frame.type == .deltas {
                var reader = ByteReader(bytes, from: frame.bodyStart, to: frame.end)
                guard let count = try? reader.varint("delta count") else {
                    return .invalid(offset: frame.bodyStart, reason: "unreadable delta count")
                }
                nextDeltaID &+= count
            }
            return .replayed(lsn: frame.lsn, timestamp: frame.timestamp, next: frame.end)
        }
        if let bus, frame.type == .deltas, visit == nil, !isEpochTarget {
            do {
                nextDeltaID += UInt64(try bus.replayDeltas(bytes, bodyStart: frame.bodyStart, end: frame.end, firstDeltaID: nextDeltaID))
            } catch {
                switch error {
                case .malformed(let failure): return .invalid(offset: failure.offset, reason: failure.reason)
                case .rejected(let failure): throw .corrupt(file: path, offset: offset, reason: failure.reason)
                }
            }
            return .replayed(lsn: frame.lsn, timestamp: frame.timestamp, next: frame.end)
        }
        var deltaID = nextDeltaID
        switch RecordFrame.decodeBody(frame, in: bytes, nextDeltaID: &deltaID) {
        case .end: return .end
        case .invalid(let badOffset, let reason): return .invalid(offset: badOffset, reason: reason)
        case .record(let record, let next):
            if case .epoch(let cut)? = target, case .deltas(let deltas) = record.body, deltas.contains(where: { $0.epoch > cut }) {
                return .stop
            }
            if let visit, !visit(record, path, offset) { return .stop }
            nextDeltaID = deltaID
            if let bus {
                do {
                    try bus.replay(record)
                } catch {
                    throw .corrupt(file: path, offset: offset, reason: error.reason)
                }
            }
            return .replayed(lsn: frame.lsn, timestamp: frame.timestamp, next: next)
        }
    }

    private var isEpochTarget: Bool {
        if case .epoch? = target { return true }
        return false
    }

    /// Segment file names in LSN order (names are zero-padded LSNs, so name order is LSN order).
    private func segmentNames() throws(LogError) -> [String] {
        if let snapshot { return snapshot.segments.map(\.name) }
        return try FileSystem.list(directory).filter { LogWriter.segmentLSN(fromName: $0) != nil }
    }

    /// The segment `name`: pinned by the snapshot, or mapped now.
    private func pinnedSegment(name: String) throws(LogError) -> StoreSnapshot.PinnedFile {
        if let snapshot, let pinned = snapshot.segments.first(where: { $0.name == name }) { return pinned }
        let path = directory + "/" + name
        return try StoreSnapshot.PinnedFile(name: name, path: path, file: try PosixFile.open(path, flags: O_RDONLY))
    }

    /// Cuts `path` to `length` bytes and makes the cut durable.
    private func cut(_ path: String, at length: Int) throws(LogError) {
        let file = try PosixFile.open(path, flags: O_WRONLY)
        try file.truncate(to: length)
        try file.synchronize()
    }

    /// Removes a segment and makes the removal durable.
    private func removeDurably(_ path: String) throws(LogError) {
        try FileSystem.remove(path)
        try FileSystem.synchronizeDirectory(directory)
    }
}
