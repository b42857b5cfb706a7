import ArgumentParser
import MMSB

/// `mmsb add-edge <store> <from> <to>`: `to` now depends on `from`.
struct AddEdgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-edge",
        abstract: "Add a dependency edge: the second page now depends on the first.",
        discussion: """
            A data edge makes the child recomputed from its parents by its rule (see `mmsb set-rule`); \
            control marks it stale, gpuSync marks it for a device sync, compiler invalidates what was \
            derived from it. An edge that would close a cycle is refused, naming the cycle.

            Example: mmsb add-edge /tmp/state 1 2 --type data
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The parent page.")
    var from: PageArgument

    @Argument(help: "The child page, which depends on the parent.")
    var to: PageArgument

    @Option(name: .long, help: "The edge's type.")
    var type: EdgeTypeArgument = .data

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var from: UInt64
        var to: UInt64
        var type: String
        var added: Bool
        var lsn: UInt64
    }

    func run() throws {
        guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, registration in
            try StoreAccess.requirePropagation(from: from.id, in: bus, registration)
            if let unknown = registration.missing.first(where: { $0.page == to.id }) {
                throw CommandLineError(
                    "page \(to.id) names the rule \"\(unknown.name)\", which this tool does not know, so it cannot be recomputed here; "
                        + "add the edge from the program that registers the rule")
            }
            return (try bus.addEdge(from: from.id, to: to.id, type: type.edgeType), StoreAccess.lastLSN(bus))
        }) else { return }
        let (added, lsn) = changed
        if output.json {
            try JSONOutput.print(Report(from: from.id.rawValue, to: to.id.rawValue, type: type.rawValue, added: added, lsn: lsn))
        } else if added {
            print("Added the \(type.rawValue) edge \(from.id) -> \(to.id) at LSN \(lsn).")
        } else {
            print("The \(type.rawValue) edge \(from.id) -> \(to.id) was already there: nothing changed.")
        }
    }
}

/// `mmsb remove-edge <store> <from> <to>`.
struct RemoveEdgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-edge",
        abstract: "Remove the dependency edges from one page to another (of one type, or all).",
        discussion: "Example: mmsb remove-edge /tmp/state 1 2 --type control"
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The parent page.")
    var from: PageArgument

    @Argument(help: "The child page.")
    var to: PageArgument

    @Option(name: .long, help: "Remove only the edge of this type (default: every edge between the two).")
    var type: EdgeTypeArgument?

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var from: UInt64
        var to: UInt64
        var removed: Int
        var lsn: UInt64
    }

    func run() throws {
        guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, registration in
            try StoreAccess.requirePropagation(from: to.id, in: bus, registration)
            return (try bus.removeEdge(from: from.id, to: to.id, type: type?.edgeType), StoreAccess.lastLSN(bus))
        }) else { return }
        let (removed, lsn) = changed
        guard removed > 0 else {
            throw CommandLineError("there is no \(type.map { $0.rawValue + " " } ?? "")edge \(from.id) -> \(to.id) to remove")
        }
        if output.json {
            try JSONOutput.print(Report(from: from.id.rawValue, to: to.id.rawValue, removed: removed, lsn: lsn))
        } else {
            print("Removed \(counted(removed, "edge")) \(from.id) -> \(to.id) at LSN \(lsn).")
        }
    }
}

/// `mmsb set-rule <store> <page> <rule>`: name the rule that computes a page.
struct SetRuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-rule",
        abstract: "Name the recompute rule of a page (recorded in its metadata as mmsb.rule), or remove it.",
        discussion: """
            Rules are code; this tool knows the standard ones (passthrough, semiring.tropical, \
            semiring.max-plus, semiring.real, semiring.bottleneck, semiring.viterbi, semiring.boolean, \
            semiring.counting) and the demo's (demo.monitor). The page is recomputed from its data parents at once. A program that opens \
            the store registers the rule again with StateBus.registerRules(from:).

            Examples:
              mmsb set-rule /tmp/state 2 passthrough
              mmsb set-rule /tmp/state 2 --none
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The page's id.")
    var page: PageArgument

    @Argument(help: "The rule's name.")
    var rule: String?

    @Flag(name: .long, help: "Remove the page's rule (the page keeps its bytes and is no longer recomputed).")
    var none = false

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var page: UInt64
        @JSONNullable var rule: String?
        var lsn: UInt64
    }

    func validate() throws {
        guard (rule != nil) != none else {
            throw ValidationError(none ? "give a rule's name or --none, not both" : "give the rule's name (for example passthrough), or --none to remove it")
        }
        if let rule, DemoRules.registry[rule] == nil {
            throw ValidationError("there is no rule called \"\(rule)\"; this tool knows \(DemoRules.registry.rules.keys.sorted().joined(separator: ", "))")
        }
    }

    func run() throws {
        guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, _ in
            if let rule {
                try bus.setRule(named: rule, from: DemoRules.registry, for: page.id)
                // The rule holds from now on: the page is recomputed from its parents' bytes at once.
                if !bus.dependencyGraph.parents(of: page.id).isEmpty { _ = try bus.recompute([page.id]) }
            } else {
                guard try bus.metadata(of: page.id)[RuleRegistry.metadataKey] != nil else {
                    throw CommandLineError("page \(page.id) names no rule: there is nothing to remove")
                }
                bus.removeRule(for: page.id)
                try bus.setMetadata(nil, forKey: RuleRegistry.metadataKey, of: page.id)
            }
            return StoreAccess.lastLSN(bus)
        }) else { return }
        let lsn = changed
        if output.json {
            try JSONOutput.print(Report(page: page.id.rawValue, rule: rule, lsn: lsn))
        } else if let rule {
            print("Page \(page.id) is now computed by \(rule) (LSN \(lsn)).")
        } else {
            print("Page \(page.id) has no rule any more (LSN \(lsn)).")
        }
    }
}
