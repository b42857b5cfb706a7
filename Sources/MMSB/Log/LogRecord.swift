/// A log sequence number: the position of a record in a store's log, 1, 2, 3, … with no gaps.
public struct LSN: UInt64Identifier {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// Before the first record.
    public static let zero = LSN(0)
}

/// One entry of the transaction log: a change, its position and its time.
///
/// Each call that changes a bus writes exactly one record, so a batch of deltas is one record: a torn
/// log tail can cut whole records only, never half a batch.
public struct LogRecord: Equatable, Sendable {
    /// The record's position in the log.
    public var lsn: LSN
    /// Nanoseconds since the UNIX epoch, from the bus's clock.
    public var timestamp: UInt64
    /// What changed.
    public var body: Body

    /// What a record says changed.
    public enum Body: Equatable, Sendable {
        /// A page was created, zero-filled at epoch 0.
        case pageCreated(PageID, size: Int, location: PageLocation, metadata: PageMetadata)
        /// A page was deleted.
        case pageDeleted(PageID)
        /// Deltas were applied in this order, all or none; their ids are consecutive.
        case deltas([Delta])
        /// A page's metadata was replaced.
        case metadataChanged(PageID, PageMetadata)
        /// A checkpoint covering every record up to and including this one (`covered` is this record's
        /// LSN) was started. Changes no page; the manifest names the checkpoint in force.
        case checkpoint(covered: LSN)
        /// The dependency graph changed.
        case graphChanged(GraphChange)
    }

    public init(lsn: LSN, timestamp: UInt64, body: Body) {
        self.lsn = lsn
        self.timestamp = timestamp
        self.body = body
    }
}

/// The record type byte. Bit 7 marks types a reader may skip when it does not know them.
enum RecordType: UInt8 {
    case pageCreated = 1
    case pageDeleted = 2
    case deltas = 3
    case metadataChanged = 4
    case checkpoint = 5
    case edgeAdded = 16
    case edgeRemoved = 17
    case edgeWeightSet = 18

    static let ignorableBit: UInt8 = 0x80

    init(_ body: LogRecord.Body) {
        switch body {
        case .pageCreated: self = .pageCreated
        case .pageDeleted: self = .pageDeleted
        case .deltas: self = .deltas
        case .metadataChanged: self = .metadataChanged
        case .checkpoint: self = .checkpoint
        case .graphChanged(.edgeAdded): self = .edgeAdded
        case .graphChanged(.edgeRemoved): self = .edgeRemoved
        case .graphChanged(.weightSet): self = .edgeWeightSet
        }
    }
}

/// A change to the dependency graph, as logged.
public enum GraphChange: Equatable, Sendable {
    /// The edge `from → to` of `type` was added.
    case edgeAdded(from: PageID, to: PageID, type: EdgeType)
    /// The `type` edge `from → to` was removed, or every edge between them when `type` is nil.
    case edgeRemoved(from: PageID, to: PageID, type: EdgeType?)
    /// The weight of the data edge `from → to` was set, or cleared when `weight` is nil.
    case weightSet(from: PageID, to: PageID, weight: EdgeWeight?)

    /// The parent and child the change is about.
    public var pages: (from: PageID, to: PageID) {
        switch self {
        case .edgeAdded(let from, let to, _), .edgeRemoved(let from, let to, _), .weightSet(let from, let to, _): (from, to)
        }
    }
}
