/// Rules by name, so that a store can say which rule each page uses and a program that opens it can
/// register them again.
///
/// Rules are code and are never logged. What is logged is a page's metadata: ``StateBus/setRule(named:from:for:)``
/// stores the rule's name under ``metadataKey`` and registers the rule; after reopening,
/// ``StateBus/registerRules(from:)`` finds every page naming a rule and registers it from the registry,
/// reporting names the registry lacks. `mmsb verify --recompute` does the same with ``standard`` (plus
/// the demo's rules).
public struct RuleRegistry: Sendable {
    /// The metadata key under which a page names its rule.
    public static let metadataKey = "mmsb.rule"

    public private(set) var rules: [String: RecomputeRule]

    public init(_ rules: [String: RecomputeRule] = [:]) { self.rules = rules }

    /// Adds or replaces the rule called `name`.
    public mutating func register(_ rule: RecomputeRule, as name: String) { rules[name] = rule }

    /// The rule called `name`.
    public subscript(name: String) -> RecomputeRule? { rules[name] }

    /// This registry with the rules of `other` added (`other` wins on equal names).
    public func merging(_ other: RuleRegistry) -> RuleRegistry {
        RuleRegistry(rules.merging(other.rules) { $1 })
    }

    /// `passthrough` and one semiring rule per standard semiring: `semiring.tropical`,
    /// `semiring.max-plus`, `semiring.real`, `semiring.bottleneck`, `semiring.viterbi`,
    /// `semiring.boolean`, `semiring.counting`.
    public static let standard = RuleRegistry([
        "passthrough": .passthrough(),
        "semiring.tropical": .semiring(TropicalSemiring.self),
        "semiring.max-plus": .semiring(MaxPlusSemiring.self),
        "semiring.real": .semiring(RealSemiring.self),
        "semiring.bottleneck": .semiring(BottleneckSemiring.self),
        "semiring.viterbi": .semiring(ViterbiSemiring.self),
        "semiring.boolean": .semiring(BooleanSemiring.self),
        "semiring.counting": .semiring(CountingSemiring.self),
    ])
}

/// What ``StateBus/registerRules(from:)`` did.
public struct RuleRegistration: Equatable, Sendable {
    /// Pages whose named rule was registered, by id.
    public var registered: [PageID] = []
    /// Pages naming a rule the registry does not have, with that name, by id.
    public var missing: [MissingRule] = []

    public struct MissingRule: Equatable, Sendable {
        public let page: PageID
        public let name: String
    }
}

/// What ``StateBus/verifyRules()`` found: for every page with a rule, whether running it on its inputs'
/// current bytes gives the page's current bytes.
public struct RuleVerification: Equatable, Sendable, CustomStringConvertible {
    /// Pages whose rule ran and matched, by id.
    public var matching: [PageID] = []
    /// Pages whose rule gives other bytes than the page holds (an impure or changed rule, or a page
    /// changed by hand since its last wave).
    public var mismatches: [Mismatch] = []
    /// Pages whose rule failed.
    public var failures: [Failure] = []
    /// Pages with data parents but no registered rule: they cannot be checked.
    public var unchecked: [PageID] = []
    /// Pages whose changes still wait for a deferred wave (their dependants may lag legitimately).
    public var pending: [PageID] = []

    public struct Mismatch: Equatable, Sendable {
        public let page: PageID
        /// Offset of the first differing byte.
        public let firstDifference: Int
        /// Number of differing bytes.
        public let differingBytes: Int
    }

    public struct Failure: Equatable, Sendable {
        public let page: PageID
        public let error: RuleError
    }

    /// Whether every checked rule reproduced its page.
    public var isConsistent: Bool { mismatches.isEmpty && failures.isEmpty }

    public var description: String {
        var lines = ["\(matching.count) pages recomputed to their logged bytes"]
        for mismatch in mismatches {
            lines.append("MISMATCH page \(mismatch.page): \(mismatch.differingBytes) bytes differ from the log, the first at offset \(mismatch.firstDifference)")
        }
        for failure in failures { lines.append("FAILED page \(failure.page): \(failure.error)") }
        if !unchecked.isEmpty {
            lines.append("not checked (no rule registered): pages " + unchecked.map(\.description).joined(separator: ", "))
        }
        if !pending.isEmpty { lines.append("waiting for a deferred wave: pages " + pending.map(\.description).joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
