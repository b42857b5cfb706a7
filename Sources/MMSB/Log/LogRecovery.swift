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
/// removes empty last segments. Read-only walks never change a file: they stop at the first bad record.
struct LogRecovery {
    let directory: String
    let store: StoreID
    let mode: RecoveryMode
    var readOnly = false
    /// Stop before the first record past this point (time travel).
    var target: ReplayTarget?
    /// Called with every record read (decoded), its segment and offset; return false to stop.
    var visit: ((LogRecord, String, Int) -> Bool)?

    /// Where the log continues after recovery.
    struct Outcome {
        var report: RecoveryReport
        var nextLSN: UInt64
        var nextDeltaID: UInt64
        /// Whether the walk stopped at the target (or the visitor) before the end of the log.
        var stoppedEarly = false
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
        for (index, name) in names.enumerated() {
            let path = directory + "/" + name
            let isLast = index == names.count - 1
            let file = try PosixFile.open(path, flags: O_RDONLY)
            let mapped = try MappedFile(file)
            let bytes = mapped.bytes
            // A segment cut before its header was synced can only be the last one: nothing in it was acknowledged.
            if bytes.count < SegmentHeader.size, isLast {
                if !readOnly {
                    try FileSystem.remove(path)
                    try FileSystem.synchronizeDirectory(directory)
                }
                break
            }
            let header = try SegmentHeader.decode(bytes, file: path, store: store)
            guard LogWriter.segmentName(header.baseLSN) == name else {
                throw .corrupt(file: path, offset: 32, reason: "base LSN \(header.baseLSN) does not match the file name")
            }
            guard header.baseLSN == expectedLSN else {
                if header.baseLSN > expectedLSN {
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
                    let damage = RecoveryReport.Damage(
                        file: path, offset: offset, bytesDropped: bytes.count - offset, filesDropped: [],
                        reason: "\(reason) (at offset \(badOffset))")
                    if isLast {
                        // A read-only walk reports the torn tail but leaves the file as it is.
                        if !readOnly { try cut(path, at: offset) }
                        report.tornTail = damage
                        break scan
                    }
                    // Damage in a sealed segment is corruption for every reader; only a writable open
                    // may salvage it.
                    guard !readOnly else { throw .corrupt(file: path, offset: badOffset, reason: reason) }
                    guard mode == .salvage else { throw .corrupt(file: path, offset: badOffset, reason: reason) }
                    try cut(path, at: offset)
                    var dropped = damage
                    for later in names[(index + 1)...] {
                        try FileSystem.remove(directory + "/" + later)
                        dropped.filesDropped.append(directory + "/" + later)
                    }
                    try FileSystem.synchronizeDirectory(directory)
                    report.salvaged = dropped
                    return Outcome(report: report, nextLSN: expectedLSN, nextDeltaID: nextDeltaID)
                }
            }
            // An empty last segment (a crash right after rotation or open) holds nothing: remove it so
            // the next segment can start at the same LSN.
            if recordsInSegment == 0, isLast, !readOnly {
                try FileSystem.remove(path)
                try FileSystem.synchronizeDirectory(directory)
            }
        }
        // Nothing in the log after the checkpoint: its counter is the authority.
        if let checkpointDeltaID, expectedLSN <= startLSN { nextDeltaID = checkpointDeltaID }
        return Outcome(report: report, nextLSN: expectedLSN, nextDeltaID: nextDeltaID)
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
        try FileSystem.list(directory).filter { LogWriter.segmentLSN(fromName: $0) != nil }
    }

    /// Cuts `path` to `length` bytes and makes the cut durable.
    private func cut(_ path: String, at length: Int) throws(LogError) {
        let file = try PosixFile.open(path, flags: O_WRONLY)
        try file.truncate(to: length)
        try file.synchronize()
    }
}
