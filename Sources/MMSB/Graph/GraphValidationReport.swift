/// What ``DependencyGraph/validate()`` found.
public struct GraphValidationReport: Equatable, Sendable, CustomStringConvertible {
    /// Pages with at least one edge.
    public let pages: Int
    /// Typed edges.
    public let edges: Int
    /// Whether every page could be ordered (there is no cycle).
    public let isAcyclic: Bool
    /// A cycle, when there is one, as pages along child edges; empty otherwise.
    public let cycle: [PageID]
    /// Whether the parent lists mirror the child lists exactly.
    public let isConsistent: Bool

    public var description: String {
        "\(pages) pages, \(edges) edges, " + (isAcyclic ? "acyclic" : "cycle " + cycle.map(\.description).joined(separator: " → "))
            + (isConsistent ? "" : ", parent and child lists disagree")
    }
}
