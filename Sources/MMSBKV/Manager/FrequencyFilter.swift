/// Disk admission by frequency (spec §1.8, Dynamo's `FrequencyFilter`): protects the SSD from blocks
/// seen once.
///
/// Each offload request for a hash counts: the first sets its count to 1, each later one doubles it.
/// The block is admitted when its count reaches `threshold`. Every `flushInterval` requests all
/// counts drop by 1 and zeros are forgotten, so only blocks requested again soon get through. The
/// interval counts requests rather than wall-clock time so that a run is deterministic (DESIGN.md
/// law 2); `maxEntries` bounds memory by flushing early.
public struct FrequencyFilter: Sendable {
    /// The filter's settings.
    public struct Configuration: Sendable, Hashable {
        /// Count a hash needs to be admitted (Dynamo's default for disk: 2).
        public var threshold: UInt32
        /// Requests between two decays.
        public var flushInterval: Int
        /// Hashes tracked at most; more triggers an early decay.
        public var maxEntries: Int

        /// Dynamo's disk default: admit at the second request.
        public init(threshold: UInt32 = 2, flushInterval: Int = 65_536, maxEntries: Int = 1 << 20) {
            self.threshold = threshold
            self.flushInterval = flushInterval
            self.maxEntries = maxEntries
        }
    }

    /// The settings the filter runs with.
    public let configuration: Configuration
    private var counts: [UInt64: UInt32] = [:]
    private var sinceFlush = 0

    /// An empty filter.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Records a request for `hash` and says whether to admit it.
    public mutating func admit(_ hash: SequenceHash) -> Bool {
        sinceFlush += 1
        if sinceFlush >= configuration.flushInterval || counts.count >= configuration.maxEntries {
            decay()
        }
        let count: UInt32
        if let old = counts[hash.value] {
            count = old >= UInt32.max / 2 ? old : old * 2
        } else {
            count = 1
        }
        counts[hash.value] = count
        return count >= configuration.threshold
    }

    /// The current count of a hash (0 when untracked).
    public func count(of hash: SequenceHash) -> UInt32 { counts[hash.value] ?? 0 }

    /// Decrements every count by one and forgets the zeros.
    public mutating func decay() {
        sinceFlush = 0
        counts = counts.compactMapValues { $0 > 1 ? $0 - 1 : nil }
    }
}
