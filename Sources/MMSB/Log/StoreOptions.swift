/// How a store is opened.
public struct StoreOptions: Sendable {
    /// When the log reaches the disk; see ``Durability``. The default, ``Durability/always``, loses
    /// nothing acknowledged.
    public var durability: Durability
    /// Create the directory and an empty store when there is none.
    public var createIfMissing: Bool
    /// A log segment is sealed and a new one started once it holds this many bytes (64 MiB by default).
    public var segmentSize: Int
    /// What to do with damage found before the log's tail.
    public var recovery: RecoveryMode
    /// The identity of a new store; random when `nil`. Fix it to get byte-identical stores from equal calls.
    public var storeID: StoreID?
    /// The bus's own settings (clock, device memory policy).
    public var bus: StateBus.Configuration
    /// Take a checkpoint automatically once this many bytes were logged since the last one
    /// (256 MiB by default); `nil` for checkpoints only on request and on close.
    public var checkpointEveryLogBytes: Int?
    /// Take a checkpoint when the store is closed, so the next open replays nothing. On by default.
    public var checkpointOnClose: Bool
    /// Keep log segments a checkpoint covers instead of deleting them, for time travel before the
    /// checkpoint. Off by default.
    public var keepHistory: Bool

    public init(
        durability: Durability = .always, createIfMissing: Bool = true, segmentSize: Int = 64 << 20,
        recovery: RecoveryMode = .tolerateTornTail, storeID: StoreID? = nil, bus: StateBus.Configuration = .init(),
        checkpointEveryLogBytes: Int? = 256 << 20, checkpointOnClose: Bool = true, keepHistory: Bool = false
    ) {
        self.durability = durability
        self.createIfMissing = createIfMissing
        self.segmentSize = segmentSize
        self.recovery = recovery
        self.storeID = storeID
        self.bus = bus
        self.checkpointEveryLogBytes = checkpointEveryLogBytes
        self.checkpointOnClose = checkpointOnClose
        self.keepHistory = keepHistory
    }
}

/// What opening a store does with damaged log bytes.
public enum RecoveryMode: Sendable, Equatable {
    /// Cut a torn tail of the last segment (a crash mid-write) and report it; any other damage is an
    /// error naming the file and offset. The default.
    case tolerateTornTail
    /// Keep the valid prefix of the log whatever the damage (RocksDB's point-in-time recovery): cut
    /// the damaged segment at the first bad record, drop every later segment, and report what was dropped.
    case salvage
}

/// What opening a store found and did.
public struct RecoveryReport: Sendable, Equatable, CustomStringConvertible {
    /// Records replayed from the log.
    public var recordsReplayed = 0
    /// Segments read.
    public var segmentsRead = 0
    /// The LSN of the state the store opened at: its last record, or its checkpoint's LSN when no
    /// record follows the checkpoint (0 for an empty store).
    public var lastLSN = LSN.zero
    /// A torn tail that was cut off, if any: bytes after the last whole record of the last segment,
    /// which no call ever had acknowledged.
    public var tornTail: Damage?
    /// Damage dropped by ``RecoveryMode/salvage``, if any.
    public var salvaged: Damage?
    /// A last segment that a crash left unfinished while it was being started (its header never
    /// reached the disk, nothing else was ever in it): removed.
    public var unfinishedSegment: Damage?
    /// Whether the store was created by this open (or an interrupted creation was finished).
    public var created = false
    /// The LSN covered by the checkpoint the state was loaded from (0: none).
    public var checkpointLSN = LSN.zero

    /// Bytes cut from the log: where, how many, and why.
    public struct Damage: Sendable, Equatable, CustomStringConvertible {
        /// The file cut.
        public var file: String
        /// The offset of the first byte dropped: the end of the last whole record kept.
        public var offset: Int
        /// Bytes dropped from that file.
        public var bytesDropped: Int
        /// Later segment files removed (salvage only).
        public var filesDropped: [String]
        /// What was wrong at `offset`.
        public var reason: String
        /// Whole records (valid, checksummed) that were dropped: 0 for a torn tail, whose bytes were
        /// never a whole record. Salvage counts them from the LSNs it dropped.
        public var recordsDropped = 0
        /// The LSNs of the records dropped, when any were.
        public var droppedLSNs: ClosedRange<LSN>?
        /// Bytes dropped in all, from the cut file and the removed ones.
        public var totalBytesDropped = 0

        public init(
            file: String, offset: Int, bytesDropped: Int, filesDropped: [String], reason: String,
            recordsDropped: Int = 0, droppedLSNs: ClosedRange<LSN>? = nil, totalBytesDropped: Int? = nil
        ) {
            self.file = file
            self.offset = offset
            self.bytesDropped = bytesDropped
            self.filesDropped = filesDropped
            self.reason = reason
            self.recordsDropped = recordsDropped
            self.droppedLSNs = droppedLSNs
            self.totalBytesDropped = totalBytesDropped ?? bytesDropped
        }

        public var description: String {
            var text = "\(bytesDropped) bytes dropped from \(file) at offset \(offset) (\(reason))"
            if !filesDropped.isEmpty { text += ", and \(filesDropped.count) later segments: \(filesDropped.joined(separator: ", "))" }
            if let droppedLSNs {
                text += "; \(recordsDropped) record\(recordsDropped == 1 ? "" : "s") dropped, LSN \(droppedLSNs.lowerBound)"
                    + (droppedLSNs.lowerBound != droppedLSNs.upperBound ? " to \(droppedLSNs.upperBound)" : "") + ", \(totalBytesDropped) bytes in all"
            }
            return text
        }
    }

    public var description: String {
        var text = created
            ? "created a new store"
            : "recovered \(recordsReplayed) record\(recordsReplayed == 1 ? "" : "s") from \(segmentsRead) segment\(segmentsRead == 1 ? "" : "s")"
                + (checkpointLSN > .zero ? " after the checkpoint at LSN \(checkpointLSN)" : "")
        if let unfinishedSegment { text += "; removed an unfinished segment: \(unfinishedSegment)" }
        if let tornTail { text += "; torn tail cut: \(tornTail)" }
        if let salvaged { text += "; salvaged: \(salvaged)" }
        return text
    }
}
