/// How a page's bytes are recomputed from the pages it depends on.
///
/// The inputs of a rule are the page's data parents in the dependency graph, in increasing page id
/// order. A rule runs under the bus's write lock, during a propagation wave, and must be a pure function
/// of its inputs: the log records what it wrote (as deltas with source ``DeltaSource/propagation``), and
/// replay reproduces the page from those deltas without running it. `StateBus.verify(recomputing:)`
/// finds rules that are not pure.
///
/// A rule must not call back into the bus (the write lock is held) and must not keep the input
/// buffers after it returns.
public protocol PageRule: Sendable {
    /// Writes the page's new bytes into `output`, which is exactly as long as the page and holds its
    /// current bytes on entry. Throwing abandons the whole change that started the wave.
    func recompute(_ inputs: RuleInputs, into output: UnsafeMutableRawBufferPointer) throws
}

/// One input of a rule: a data parent of the page being recomputed.
public struct RuleInput {
    /// The parent page.
    public let page: PageID
    /// The parent's epoch.
    public let epoch: Epoch
    /// The parent's bytes, valid only during the rule's call.
    public let bytes: UnsafeRawBufferPointer
    /// The weight of the data edge from the parent, if one was set.
    public let weight: EdgeWeight?

    /// A copy of the parent's bytes.
    public var array: [UInt8] { Array(bytes) }
}

/// The inputs of a rule: the page being recomputed and its data parents by increasing id.
public struct RuleInputs {
    /// The page being recomputed.
    public let page: PageID
    /// The page's size: the length the rule's output must have.
    public let pageSize: Int
    let parents: [RuleInput]

    init(page: PageID, pageSize: Int, parents: [RuleInput]) {
        self.page = page
        self.pageSize = pageSize
        self.parents = parents
    }

    /// Number of data parents.
    public var count: Int { parents.count }
    /// Whether the page has no data parent (its rule then runs whenever any graph parent changes).
    public var isEmpty: Bool { parents.isEmpty }
    /// The `index`th data parent by increasing page id.
    public subscript(index: Int) -> RuleInput { parents[index] }
    /// The data parent `page`, if it is one.
    public func input(_ page: PageID) -> RuleInput? { parents.first { $0.page == page } }
    /// Every data parent by increasing page id.
    public var all: [RuleInput] { parents }
}

/// A recompute rule as registered on a bus: a ``PageRule`` and a name for reports.
public struct RecomputeRule: Sendable {
    /// The rule's code.
    public let body: any PageRule
    /// What the rule is, for reports and `mmsb graph`.
    public let name: String

    public init(_ body: any PageRule, name: String) {
        self.body = body
        self.name = name
    }

    /// A rule that returns the page's new bytes, exactly as many as the page holds.
    public static func function(
        name: String = "function", _ compute: @escaping @Sendable (RuleInputs) throws -> [UInt8]
    ) -> RecomputeRule {
        RecomputeRule(FunctionRule(compute: compute), name: name)
    }

    /// A copy of the page's single data parent, through `transform` when one is given. Without a
    /// transform the parent must be exactly as large as the page; with one, the transform's output must be.
    public static func passthrough(transform: (@Sendable ([UInt8]) throws -> [UInt8])? = nil) -> RecomputeRule {
        RecomputeRule(PassthroughRule(transform: transform), name: transform == nil ? "passthrough" : "passthrough+transform")
    }

    /// Reads every data parent as a vector of `semiring` elements and computes
    /// `page[i] = ⊕ over parents p of (weight(p → page) ⊗ p[i])`; an edge without a weight counts as
    /// `one`. The page and its parents must be equally large, a multiple of the element size.
    public static func semiring<S: Semiring>(_ semiring: S.Type) -> RecomputeRule {
        RecomputeRule(SemiringRule<S>(), name: "semiring(\(S.self))")
    }
}
