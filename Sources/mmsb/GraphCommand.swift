import ArgumentParser
import MMSB

/// `mmsb graph <store>`: the store's dependency graph, its topological order and its validation.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Show a store's dependency graph: edges, topological order, validation, rules named by pages.",
        discussion: """
            Rebuilds the store's state read-only (checkpoint plus log) and prints every edge \
            (parent -> child, type, weight of data edges), the pages in topological order (parents \
            first, ties by smaller id), the validator's report, and the rule each page names in its \
            metadata (key mmsb.rule). With --dot, prints the graph in Graphviz's DOT language instead \
            (edge styles by type: data solid, control dashed, gpuSync bold, compiler dotted).
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Flag(name: .long, help: "Print the graph in Graphviz DOT.")
    var dot = false

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        if dot, output.json { throw ValidationError("--dot and --json are two output formats: give one of them") }
    }

    /// `graph --json`: the pages in the graph, its edges, order and validation.
    struct Report: Encodable {
        struct Page: Encodable {
            var id: UInt64
            @JSONNullable var name: String?
            @JSONNullable var rule: String?
        }

        struct Edge: Encodable {
            var from: UInt64
            var to: UInt64
            var type: String
            /// The weight's 64 bits (a data edge's semiring element), `null` when it has none.
            @JSONNullable var weightBits: UInt64?
        }

        struct Validation: Encodable {
            var pages: Int
            var edges: Int
            var acyclic: Bool
            var cycle: [UInt64]
            var consistent: Bool
        }

        var store: String
        var pages: [Page]
        var edges: [Edge]
        var topologicalOrder: [UInt64]
        var validation: Validation
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        let bus = try StateBus.openReadOnly(at: store, configuration: .init(deviceMemory: .emulateInHostMemory))
        let graph = bus.dependencyGraph
        let rules = Dictionary(uniqueKeysWithValues: bus.pages().compactMap { page in
            page.metadata[RuleRegistry.metadataKey].map { (page.id, String(decoding: $0, as: UTF8.self)) }
        })
        let names = Dictionary(uniqueKeysWithValues: bus.pages().compactMap { page in
            page.metadata["name"].map { (page.id, String(decoding: $0, as: UTF8.self)) }
        })
        if dot {
            print(Self.dot(graph, rules: rules, names: names))
            return
        }
        if output.json {
            let check = graph.validate()
            try JSONOutput.print(
                Report(
                    store: StoreDirectory.normalized(store),
                    pages: graph.pages.map { Report.Page(id: $0.rawValue, name: names[$0], rule: rules[$0]) },
                    edges: graph.edges().map { edge in
                        Report.Edge(
                            from: edge.from.rawValue, to: edge.to.rawValue, type: edge.type.description,
                            weightBits: edge.type == .data ? graph.weight(from: edge.from, to: edge.to)?.bits : nil)
                    },
                    topologicalOrder: graph.topologicalOrder().map(\.rawValue),
                    validation: Report.Validation(
                        pages: check.pages, edges: check.edges, acyclic: check.isAcyclic, cycle: check.cycle.map(\.rawValue),
                        consistent: check.isConsistent)))
            return
        }
        print("Store \(StoreDirectory.normalized(store))")
        let edges = graph.edges()
        print("\(edges.count) edges between \(graph.pages.count) pages")
        for edge in edges {
            var line = "  \(edge.from) -> \(edge.to) \(edge.type)"
            if edge.type == .data, let weight = graph.weight(from: edge.from, to: edge.to) {
                line += " weight \(weight) (\(weight.element(in: TropicalSemiring.self)) as a double)"
            }
            print(line)
        }
        print("Topological order: " + graph.topologicalOrder().map(\.description).joined(separator: " "))
        print("Validation: \(graph.validate())")
        for (page, rule) in rules.sorted(by: { $0.key < $1.key }) {
            print("Page \(page)" + (names[page].map { " (\($0))" } ?? "") + " names rule \(rule)")
        }
    }

    static func dot(_ graph: DependencyGraph, rules: [PageID: String], names: [PageID: String]) -> String {
        var lines = ["digraph mmsb {", "  rankdir=LR;"]
        for page in graph.pages {
            var label = "\(page)"
            if let name = names[page] { label += "\\n\(name)" }
            if let rule = rules[page] { label += "\\n[\(rule)]" }
            lines.append("  p\(page) [label=\"\(label.replacingQuotes())\"];")
        }
        let styles: [EdgeType: String] = [.data: "solid", .control: "dashed", .gpuSync: "bold", .compiler: "dotted"]
        for edge in graph.edges() {
            var attributes = "style=\(styles[edge.type]!), label=\"\(edge.type)"
            if edge.type == .data, let weight = graph.weight(from: edge.from, to: edge.to) { attributes += " \(weight)" }
            lines.append("  p\(edge.from) -> p\(edge.to) [\(attributes)\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "'") }
}
