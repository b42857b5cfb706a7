/// What an edge from a parent page to a child page means (the original's four kinds, same codes).
public enum EdgeType: UInt8, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    /// The child is computed from the parent's bytes: it is recomputed when the parent changes.
    case data = 0
    /// The child's validity depends on the parent: it is marked stale when the parent changes.
    case control = 1
    /// The child must be synced to a device when the parent changes.
    case gpuSync = 2
    /// Artefacts derived from the child (compiled code, caches) are invalidated when the parent changes.
    case compiler = 3

    public static func < (lhs: EdgeType, rhs: EdgeType) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .data: "data"
        case .control: "control"
        case .gpuSync: "gpuSync"
        case .compiler: "compiler"
        }
    }
}

/// Errors about the dependency graph.
public enum GraphError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An edge from a page to itself.
    case selfLoop(PageID)
    /// The edge `from → to` would close a cycle; `cycle` is the path `to → … → from` already present.
    case cycle(from: PageID, to: PageID, cycle: [PageID])
    /// An edge names a page the bus does not hold.
    case unknownPage(PageID)
    /// A weight was set on `from → to`, which is not a data edge.
    case noDataEdge(from: PageID, to: PageID)

    public var description: String {
        switch self {
        case .selfLoop(let page):
            return "page \(page) cannot depend on itself"
        case .cycle(let from, let to, let cycle):
            return "the edge \(from) → \(to) would close a cycle: "
                + (cycle + [to]).map(\.description).joined(separator: " → ")
        case .unknownPage(let page):
            return "page \(page) does not exist; create it before adding edges to it"
        case .noDataEdge(let from, let to):
            return "there is no data edge \(from) → \(to) to weight; add one first"
        }
    }
}
