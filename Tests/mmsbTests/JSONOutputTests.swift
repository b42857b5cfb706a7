import Foundation
import MMSB
import Testing

/// `--json` of every data command: one line of JSON with sorted keys, the same values as the text
/// report, `null` for what is absent, and the same bytes when run twice.
@Suite struct JSONOutputTests {
    /// Runs `arguments`, expects success and one line, and returns the object and the raw line.
    private func json(_ arguments: [String]) throws -> (object: [String: Any], line: String) {
        let run = try runMMSB(arguments)
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.lines.count == 1, "stdout: \(run.output)")
        let line = try #require(run.lines.first)
        return (try jsonObject(line), line)
    }

    /// Whether the keys of every object in `line` are written in sorted order.
    private func keysAreSorted(_ line: String) throws -> Bool {
        func check(_ value: Any) -> Bool {
            if let array = value as? [Any] { return array.allSatisfy(check) }
            guard let object = value as? [String: Any] else { return true }
            return object.values.allSatisfy(check)
        }
        // JSONSerialization forgets the order, so compare the line with a sorted re-encoding.
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        let sorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return check(object) && String(decoding: sorted, as: UTF8.self) == line
    }

    @Test func inspect() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let (object, line) = try json(["inspect", store, "--json", "--pages", "1"])
        #expect(try keysAreSorted(line))
        #expect(object["records"] as? Int == 10)
        #expect(object["store"] as? String == "00000000000012340000000000005678")
        #expect(object["tornTail"] is NSNull)
        #expect((object["deltasPerPage"] as? [[String: Any]])?.first?["page"] as? Int == 2)
        #expect(try json(["inspect", store, "--json", "--pages", "1"]).line == line)
    }

    @Test func checkpoint() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let (object, line) = try json(["checkpoint", store, "--json"])
        #expect(try keysAreSorted(line))
        #expect(object["checkpointLSN"] as? Int == 11)
        #expect(object["removedFiles"] as? [String] == [Fixture.firstSegment])
        let recovery = try #require(object["recovery"] as? [String: Any])
        #expect(recovery["recordsReplayed"] as? Int == 10)
        #expect(recovery["tornTail"] is NSNull)
    }

    @Test func verifyWithRecompute() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let (object, line) = try json(["verify", store, "--json", "--recompute"])
        #expect(try keysAreSorted(line))
        #expect(object["consistent"] as? Bool == true)
        #expect(object["lsn"] as? Int == 10)
        #expect(object["fullReplay"] as? String == object["checkpointAndTail"] as? String)
        let recompute = try #require(object["recompute"] as? [String: Any])
        #expect(recompute["consistent"] as? Bool == true)
        #expect(try json(["verify", store, "--json"]).object["recompute"] is NSNull)
    }

    @Test func graph() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        let bus = try StateBus.open(at: store)
        let a = try bus.createPage(size: 4, metadata: ["name": Array("a".utf8)])
        let b = try bus.createPage(size: 4)
        try bus.addEdge(from: a, to: b)
        try bus.setRule(named: "passthrough", for: b)
        try bus.close()
        let (object, line) = try json(["graph", store, "--json"])
        #expect(try keysAreSorted(line))
        #expect(object["topologicalOrder"] as? [Int] == [1, 2])
        let edges = try #require(object["edges"] as? [[String: Any]])
        #expect(edges.count == 1)
        #expect(edges.first?["type"] as? String == "data")
        let pages = try #require(object["pages"] as? [[String: Any]])
        #expect(pages.first?["name"] as? String == "a")
        #expect(pages.first?["rule"] is NSNull)
        #expect(pages.last?["rule"] as? String == "passthrough")
        #expect((object["validation"] as? [String: Any])?["acyclic"] as? Bool == true)
        let both = try runMMSB(["graph", store, "--json", "--dot"])
        #expect(both.status == 64)
        #expect(both.error == "Error: --dot and --json are two output formats: give one of them\n")
    }

    @Test func replay() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let (object, line) = try json(["replay", store, "--to-lsn", "3", "--out", scratch.file("out"), "--json"])
        #expect(try keysAreSorted(line))
        #expect(object["target"] as? String == "LSN 3")
        #expect(object["pages"] as? Int == 2)
        #expect(object["rebuiltDigest"] as? String == object["newStoreDigest"] as? String)
    }

    @Test func logLinesAreRecords() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let run = try runMMSB(["log", store, "--json", "--to-lsn", "5"])
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.lines.count == 5)
        for line in run.lines { #expect(try keysAreSorted(line)) }
        let batch = try jsonObject(run.lines[4])
        #expect(batch["type"] as? String == "deltas")
        let deltas = try #require(batch["deltas"] as? [[String: Any]])
        #expect(deltas.map { $0["source"] as? String } == ["importer", "importer"])
        #expect(deltas.allSatisfy { $0["intent"] is NSNull })
    }

    @Test func kvHash() throws {
        let (object, line) = try json(["kv", "hash", "--salt-hash", "1337", "--page-size", "4", "--json", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        #expect(try keysAreSorted(line))
        #expect(object["saltHash"] as? Int == 1337)
        #expect(object["tokens"] as? Int == 9)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.count == 2)
        // The same hashes as the text form prints.
        let text = try runMMSB(["kv", "hash", "--salt-hash", "1337", "--page-size", "4", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        for (index, block) in blocks.enumerated() {
            let number = try #require(block["blockHash"] as? NSNumber).uint64Value
            let sequence = try #require(block["sequenceHash"] as? NSNumber).uint64Value
            #expect(text.lines[index] == "block=\(index) block_hash=\(number) sequence_hash=\(sequence)")
        }
    }

    @Test func kvSimulate() throws {
        let scratch = ScratchDirectory()
        // The options of KVSimulateCommandTests' golden report: the same figures must come out.
        let base = [
            "kv", "simulate", "--requests", "300", "--conversations", "50", "--seed", "5", "--device-blocks", "96", "--host-blocks", "128",
            "--disk-blocks", "256", "--no-progress", "--disk-dir", scratch.path,
        ]
        let (object, line) = try json(base + ["--json"])
        #expect(try keysAreSorted(line))
        #expect(object["promptBlocks"] as? Int == 11130)
        #expect(object["reusedBlocks"] as? Int == 8323)
        #expect((object["hits"] as? [String: Any])?["device"] as? Int == 5616)
        #expect(object["corruptBlocks"] as? Int == 0)
        #expect((object["tierBlocks"] as? [String: Any])?["device"] as? Int == 96)
    }
}
