/// What one ``StateBus/tick(_:)`` did and how long each phase took.
public struct TickMetrics: Equatable, Sendable, CustomStringConvertible {
    /// Checking every delta against the pages (ids, bounds) and assigning epochs.
    public var validation: Duration = .zero
    /// Copying the deltas' bytes into the pages (on ``workers`` threads).
    public var apply: Duration = .zero
    /// The propagation wave.
    public var propagation: Duration = .zero
    /// Encoding the tick's record into the log (and syncing it, in `always` mode with group commit).
    public var logging: Duration = .zero
    /// The whole call, lock waits included.
    public var total: Duration = .zero
    /// Deltas the caller passed.
    public var deltas: Int = 0
    /// Distinct pages the caller's deltas wrote.
    public var pagesTouched: Int = 0
    /// Deltas the wave applied to dependent pages.
    public var propagatedDeltas: Int = 0
    /// Threads that applied the deltas.
    public var workers: Int = 1
    /// The budget the tick was held to (``StateBus/Configuration/tickBudget``).
    public var budget: Duration = .zero

    public init() {}

    /// Whether the tick took no longer than its budget.
    public var budgetMet: Bool { total <= budget }

    public var description: String {
        "\(deltas) deltas on \(pagesTouched) pages, \(propagatedDeltas) propagated; validation \(validation), apply \(apply) "
            + "(\(workers) workers), propagation \(propagation), logging \(logging), total \(total) "
            + (budgetMet ? "(within \(budget))" : "(over budget \(budget))")
    }
}
