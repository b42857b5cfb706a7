import Foundation
import MMSB
import Testing

@testable import mmsb

/// `mmsb graph`, `mmsb verify --recompute` and the demo's tutorial, on real stores.
@Suite struct GraphCommandTests {
    /// A store with pages 1 → 2 (data, passthrough named in metadata), 1 → 3 (control), 2 → 3
    /// (data, weight 2.5), and a write that propagated.
    static func makeStore(at path: String) throws {
        let bus = try StateBus.open(at: path, options: StoreOptions(durability: .none, checkpointOnClose: false))
        for name in ["source", "copy", "sum"] { try bus.createPage(size: 8, metadata: ["name": Array(name.utf8)]) }
        try bus.addEdge(from: 1, to: 2, type: .data)
        try bus.addEdge(from: 1, to: 3, type: .control)
        try bus.addEdge(from: 2, to: 3, type: .data)
        try bus.setWeight(EdgeWeight(2.5), from: 2, to: 3)
        try bus.setRule(named: "passthrough", for: 2)
        try bus.write(page: 1, offset: 0, bytes: [1, 2, 3, 4, 5, 6, 7, 8])
        try bus.close()
    }

    @Test func graphPrintsEdgesOrderValidationAndRules() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Self.makeStore(at: store)
        let run = try runMMSB(["graph", store])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines.contains("3 edges between 3 pages"))
        #expect(run.lines.contains("  1 -> 2 data"))
        #expect(run.lines.contains("  1 -> 3 control"))
        #expect(run.lines.contains { $0.hasPrefix("  2 -> 3 data weight 0x4004000000000000 (2.5 as a double)") })
        #expect(run.lines.contains("Topological order: 1 2 3"))
        #expect(run.lines.contains("Validation: 3 pages, 3 edges, acyclic"))
        #expect(run.lines.contains("Page 2 (copy) names rule passthrough"))
    }

    @Test func graphDotIsGraphviz() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Self.makeStore(at: store)
        let run = try runMMSB(["graph", "--dot", store])
        #expect(run.status == 0)
        #expect(run.lines.first == "digraph mmsb {")
        #expect(run.lines.last == "}")
        #expect(run.lines.contains("  p2 [label=\"2\\ncopy\\n[passthrough]\"];"))
        #expect(run.lines.contains("  p1 -> p3 [style=dashed, label=\"control\"];"))
        #expect(run.lines.contains("  p2 -> p3 [style=solid, label=\"data 0x4004000000000000\"];"))
    }

    @Test func graphOfAMissingStoreIsACleanError() throws {
        let scratch = ScratchDirectory()
        let run = try runMMSB(["graph", scratch.file("nothing")])
        #expect(run.status != 0)
        #expect(run.error.hasPrefix("Error: "))
        #expect(run.error.split(separator: "\n").count == 1)
    }

    @Test func verifyRecomputeAcceptsPureRulesAndReportsUnknownOnes() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Self.makeStore(at: store)
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: .none, checkpointOnClose: false))
        try bus.setMetadata(Array("my.secret.rule".utf8), forKey: RuleRegistry.metadataKey, of: 3)
        try bus.close()
        let run = try runMMSB(["verify", "--recompute", store])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines.contains("Page 3 names the rule \"my.secret.rule\", which this tool does not know: not checked."))
        #expect(run.lines.contains("Recompute: 1 pages recomputed to their logged bytes; not checked (no rule registered): pages 3"))
    }

    @Test func verifyRecomputeFailsWhenTheLoggedBytesDisagreeWithTheRule() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Self.makeStore(at: store)
        // Write the derived page by hand, as an impure or changed rule would have: the log now holds
        // bytes the passthrough rule does not give.
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: .none, checkpointOnClose: false))
        try bus.write(page: 2, offset: 3, bytes: [0xEE])
        try bus.close()
        let run = try runMMSB(["verify", "--recompute", store])
        #expect(run.status == 1)
        #expect(run.error.hasPrefix("Error: recomputed pages differ from the log"))
        #expect(run.error.contains("MISMATCH page 2: 1 bytes differ from the log, the first at offset 3"))
    }

    @Test func demoRunsTheTutorialAndItsStoreChecksOut() throws {
        let run = try runMMSB(["demo", "--keep"])
        #expect(run.status == 0, "\(run.error)")
        for message in TutorialStory.messages {
            #expect(run.lines.contains {
                $0.hasPrefix("Wrote \"\(message)\" to source: derived = \"\(message)\", monitor = \"derived=\(message)\" (2 propagation deltas")
            })
        }
        #expect(run.lines.contains {
            $0.hasPrefix("Reopened the store without registering any rule: replay gives derived = \"gamma-page-epoch3\" and monitor = \"derived=gamma-page-epoch3\"")
        })
        #expect(run.lines.contains { $0.hasSuffix("and re-ran them: all 2 reproduce the logged bytes.") })
        let kept = try #require(run.lines.last)
        let store = String(try #require(kept.split(separator: " ").dropFirst(4).first).dropLast())
        defer { try? FileManager.default.removeItem(atPath: store) }
        let graph = try runMMSB(["graph", store])
        #expect(graph.lines.contains("Topological order: 2 3 4"))
        let verify = try runMMSB(["verify", "--recompute", store])
        #expect(verify.status == 0, "\(verify.error)")
        #expect(verify.lines.contains("Recompute: 2 pages recomputed to their logged bytes"))
    }
}
