/// Something that happened on a bus, as delivered to subscribers.
///
/// Events are queued under the bus's write lock, in the order the changes were made (the log's order),
/// and delivered after the lock is released, one at a time, in that order.
public struct BusEvent: Equatable, Sendable, CustomStringConvertible {
    /// Position of the event among all events of the bus: 1, 2, 3, …
    public let sequence: UInt64
    /// What happened.
    public let kind: Kind

    public init(sequence: UInt64, kind: Kind) {
        self.sequence = sequence
        self.kind = kind
    }

    public enum Kind: Equatable, Sendable {
        case pageCreated(PageID)
        case pageDeleted(PageID)
        /// A delta was applied (by a caller or by a wave: see `source`).
        case deltaApplied(DeltaID, page: PageID, epoch: Epoch, source: DeltaSource)
        /// A page's bytes changed in one call; `epoch` is its epoch after the call.
        case pageChanged(PageID, epoch: Epoch)
        /// A page was marked stale (see ``PageMarks/stale``).
        case pageStale(PageID)
        /// A page was marked for device sync (see ``PageMarks/needsDeviceSync``).
        case deviceSyncNeeded(PageID)
        /// Artefacts derived from a page were invalidated (see ``PageMarks/artefactsInvalid``).
        case pageInvalidated(PageID)

        /// The filter this kind of event passes.
        public var filter: BusEvent.Filter {
            switch self {
            case .pageCreated: .pageCreated
            case .pageDeleted: .pageDeleted
            case .deltaApplied: .deltaApplied
            case .pageChanged: .pageChanged
            case .pageStale: .pageStale
            case .deviceSyncNeeded: .deviceSyncNeeded
            case .pageInvalidated: .pageInvalidated
            }
        }
    }

    /// Which kinds of event a subscriber wants.
    public struct Filter: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let pageCreated = Filter(rawValue: 1 << 0)
        public static let pageDeleted = Filter(rawValue: 1 << 1)
        public static let deltaApplied = Filter(rawValue: 1 << 2)
        public static let pageChanged = Filter(rawValue: 1 << 3)
        public static let pageStale = Filter(rawValue: 1 << 4)
        public static let deviceSyncNeeded = Filter(rawValue: 1 << 5)
        public static let pageInvalidated = Filter(rawValue: 1 << 6)
        public static let all = Filter(rawValue: 0x7F)
    }

    public var description: String {
        switch kind {
        case .pageCreated(let page): "#\(sequence) page-created \(page)"
        case .pageDeleted(let page): "#\(sequence) page-deleted \(page)"
        case .deltaApplied(let id, let page, let epoch, let source): "#\(sequence) delta-applied \(id) page \(page) epoch \(epoch) source \(source)"
        case .pageChanged(let page, let epoch): "#\(sequence) page-changed \(page) epoch \(epoch)"
        case .pageStale(let page): "#\(sequence) page-stale \(page)"
        case .deviceSyncNeeded(let page): "#\(sequence) device-sync-needed \(page)"
        case .pageInvalidated(let page): "#\(sequence) page-invalidated \(page)"
        }
    }
}
