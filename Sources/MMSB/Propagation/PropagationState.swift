/// What a bus keeps for propagation besides the graph: rules, what each rule last saw, marks, and
/// the changes a deferred wave still has to handle. Guarded by the bus's write lock with the pages.
///
/// Rules and signatures are code and memory, not data: they are not logged or checkpointed. After a
/// store is reopened its rules are registered again, and each rule page recomputes at its first wave.
struct PropagationState {
    /// Set while a store's log is replayed: replay applies logged propagation deltas and never runs rules.
    var isReplaying = false
    var rules: [PageID: RecomputeRule] = [:]
    /// The sum of each rule page's data parents' epochs when it was last recomputed. Epochs never go
    /// down and any change to the set of parents clears the entry, so an equal sum means no input
    /// changed: exact, and nothing to allocate per recompute.
    var signatures: [PageID: UInt64] = [:]
    /// Reused for the inputs of each recompute.
    var inputScratch: [RuleInput] = []
    var marks: [PageID: PageMarks] = [:]
    /// Pages changed since the last wave whose dependants have not been visited (deferred mode).
    var pending: Set<PageID> = []
    /// Pages to recompute at the next wave whatever their inputs' epochs (their inputs were rewired).
    var forced: Set<PageID> = []

    // Wave scratch, reused from wave to wave.
    /// `changed[node] == stamp`: the node's bytes changed in the current wave.
    var changed: [UInt32] = []
    /// `queued[node] == stamp`: the node is in or was taken from the heap in the current wave.
    var queued: [UInt32] = []
    var forcedMark: [UInt32] = []
    var stamp: UInt32 = 0
    var heap = IndexHeap()
    var output: [UInt8] = []

    init() {}

    /// Drops everything kept about a deleted page.
    mutating func forget(_ page: PageID) {
        rules[page] = nil
        signatures[page] = nil
        marks[page] = nil
        pending.remove(page)
        forced.remove(page)
    }

    /// A fresh stamp for a wave over `nodes` graph nodes.
    mutating func nextStamp(nodes: Int) -> UInt32 {
        if changed.count < nodes {
            changed += [UInt32](repeating: 0, count: nodes - changed.count)
            queued += [UInt32](repeating: 0, count: nodes - queued.count)
            forcedMark += [UInt32](repeating: 0, count: nodes - forcedMark.count)
        }
        if stamp == .max {
            for index in changed.indices { changed[index] = 0; queued[index] = 0; forcedMark[index] = 0 }
            stamp = 0
        }
        stamp += 1
        return stamp
    }
}
