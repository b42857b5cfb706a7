import Foundation
import MMSB
import Testing

/// The data commands, as a user types them: a store made, pages created, written, read, listed,
/// given metadata, edges and rules, and watched, with every answer checked against the library.
@Suite struct DataCommandsTests {
    /// Runs `arguments`, expects success, and returns standard output's lines.
    @discardableResult
    private func ok(_ arguments: [String], input: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let run = try runMMSB(arguments, input: input)
        #expect(run.status == 0, "\(arguments): \(run.error)", sourceLocation: sourceLocation)
        #expect(run.error.isEmpty, sourceLocation: sourceLocation)
        return run.lines
    }

    /// A new store with one 32-byte page called "greeting".
    private func storeWithAPage(_ scratch: ScratchDirectory) throws -> String {
        let store = scratch.file("store")
        try ok(["create", store])
        #expect(try ok(["create-page", store, "--size", "32", "--name", "greeting"]) == ["Created page 1 (32 bytes, cpu) at LSN 1."])
        return store
    }

    @Test func writeFromEverySourceAndReadInEveryFormat() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        #expect(try ok(["write", store, "1", "--text", "hello"]) == ["Wrote 5 bytes to page 1 at offset 0: delta 1, epoch 1, LSN 2."])
        try ok(["write", store, "1", "--offset", "5", "--hex", "2c 20"])
        let file = scratch.file("bytes.bin")
        try Data("world".utf8).write(to: URL(fileURLWithPath: file))
        try ok(["write", store, "1", "--offset", "7", "--file", file])
        try ok(["write", store, "1", "--offset", "12", "--stdin"], input: Data([0x21, 0x00, 0xFF]))

        let expected = Array("hello, world!".utf8) + [0, 0xFF] + [UInt8](repeating: 0, count: 17)
        #expect(try StateBus.openReadOnly(at: store).read(page: 1) == expected)
        #expect(try ok(["read", store, "1"]) == [
            "00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 ff 00  |hello, world!...|",
            "00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
        ])
        #expect(try ok(["read", store, "1", "--offset", "7", "--length", "3"]) == [
            "00000007  77 6f 72                                          |wor|"
        ])
        #expect(try ok(["read", store, "1", "--format", "text", "--length", "13"]) == ["hello, world!"])
        let raw = try runMMSB(["read", store, "1", "--format", "raw", "--offset", "12", "--length", "3"])
        #expect(raw.status == 0 && raw.outputBytes == Data([0x21, 0x00, 0xFF]))
        let json = try jsonObject(try #require(try ok(["read", store, "1", "--json", "--length", "5"]).first))
        #expect(json["hex"] as? String == "68656c6c6f")
        #expect(json["epoch"] as? Int == 4)
        // The past: after LSN 2 only "hello" was written.
        #expect(try ok(["read", store, "1", "--at-lsn", "2", "--format", "text"]) == ["hello"])
    }

    @Test func pagesMetadataEdgesAndRules() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        try ok(["create-page", store, "--size", "32", "--meta", "owner=alice", "--location", "unified"])
        #expect(try ok(["add-edge", store, "1", "2"]) == ["Added the data edge 1 -> 2 at LSN 3."])
        #expect(try ok(["add-edge", store, "1", "2"]) == ["The data edge 1 -> 2 was already there: nothing changed."])
        #expect(try ok(["set-rule", store, "2", "passthrough"]) == ["Page 2 is now computed by passthrough (LSN 4)."])
        #expect(try ok(["write", store, "1", "--text", "abc"]) == [
            "Wrote 3 bytes to page 1 at offset 0: delta 1, epoch 1, LSN 5; recomputed 1 dependent page."
        ])
        #expect(try ok(["read", store, "2", "--format", "text"]) == ["abc"])
        #expect(try ok(["pages", store]) == [
            "page  size        location  epoch  metadata",
            "1     32          cpu       1      name=greeting",
            "2     32          unified   1      owner=alice mmsb.rule=passthrough",
        ])
        #expect(try ok(["metadata", store, "2", "--set", "color=blue", "--remove", "owner"]) == [
            "Changed the metadata of page 2 at LSN 6.", "mmsb.rule=passthrough", "color=blue",
        ])
        #expect(try StateBus.openReadOnly(at: store).metadata(of: 2)["color"] == Array("blue".utf8))
        #expect(try ok(["set-rule", store, "2", "--none"]) == ["Page 2 has no rule any more (LSN 7)."])
        #expect(try ok(["remove-edge", store, "1", "2"]) == ["Removed 1 edge 1 -> 2 at LSN 8."])
        #expect(try ok(["delete-page", store, "2"]) == ["Deleted page 2 at LSN 9."])
        let listed = try jsonObject(try #require(try ok(["pages", store, "--json"]).first))
        #expect((listed["pages"] as? [[String: Any]])?.map { $0["id"] as? Int } == [1])
        // Everything the commands did is in the log, and the store checks out.
        #expect(try ok(["verify", store]).contains { $0.hasPrefix("consistent at LSN 9") })
    }

    @Test func aNewPageWithAChosenID() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        #expect(try ok(["create-page", store, "--size", "4", "--id", "40"]) == ["Created page 40 (4 bytes, cpu) at LSN 2."])
        expectCleanFailure(try runMMSB(["create-page", store, "--size", "4", "--id", "40"]), mentioning: "40")
    }

    @Test func watchFollowsAnotherWriter() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        let watcher = Process()
        watcher.executableURL = try mmsbExecutable()
        watcher.arguments = ["watch", store, "--limit", "3", "--interval", "10"]
        let out = Pipe()
        watcher.standardOutput = out
        watcher.standardError = FileHandle.nullDevice
        try watcher.run()
        // A writer in this process, holding the store while the watcher reads it.
        let bus = try StateBus.open(at: store)
        Thread.sleep(forTimeInterval: 0.3)
        for value: UInt8 in 1...3 {
            try bus.write(page: 1, offset: 0, bytes: [value])
            Thread.sleep(forTimeInterval: 0.05)
        }
        let killer = DispatchWorkItem { watcher.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: killer)
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        watcher.waitUntilExit()
        killer.cancel()
        try bus.close()
        #expect(watcher.terminationStatus == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 3)
        for (index, line) in lines.enumerated() {
            #expect(line.hasPrefix("lsn=\(index + 2) "))
            #expect(line.contains("type=deltas page=1 delta=\(index + 1) epoch=\(index + 1)"))
        }
    }

    @Test func watchFromAnEarlierLSNShowsTheLogFirst() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        try ok(["write", store, "1", "--text", "x"])
        let lines = try ok(["watch", store, "--from-lsn", "1", "--limit", "2", "--json"])
        #expect(try lines.map { try jsonObject($0)["type"] as? String } == ["page-created", "deltas"])
    }

    @Test func readsWorkOnAHeldStoreAndWritesReportTheLock() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        try ok(["write", store, "1", "--text", "held"])
        let holder = try StateBus.open(at: store)
        defer { try? holder.close() }
        #expect(try ok(["read", store, "1", "--format", "text"]) == ["held"])
        #expect(try ok(["pages", store]).count == 2)
        #expect(try ok(["metadata", store, "1"]) == ["name=greeting"])
        for change in [
            ["write", store, "1", "--text", "x"], ["create-page", store, "--size", "4"], ["delete-page", store, "1"],
            ["metadata", store, "1", "--set", "a=b"], ["add-edge", store, "1", "2"], ["set-rule", store, "1", "passthrough"],
            ["checkpoint", store],
        ] {
            expectCleanFailure(try runMMSB(change), mentioning: "\(store) is open for writing by another process")
        }
    }

    /// Arguments wrong in themselves: exit 64, one line, before the store is touched (the store
    /// named does not even exist).
    @Test(arguments: [
        (["write", "/nonexistent", "1"], "give the bytes with one of --text, --hex, --file and --stdin"),
        (["write", "/nonexistent", "1", "--text", "a", "--hex", "61"], "give only one of --text, --hex, --file and --stdin"),
        (["write", "/nonexistent", "1", "--hex", "6g"], "'g' is not a hexadecimal digit"),
        (["write", "/nonexistent", "1", "--hex", "616"], "odd number of digits"),
        (["write", "/nonexistent", "1", "--text", "a", "--offset", "-1"], "--offset must not be negative, not -1"),
        (["write", "/nonexistent", "0", "--text", "a"], "page"),
        (["read", "/nonexistent", "1", "--length", "0"], "--length must be at least 1, not 0"),
        (["read", "/nonexistent", "1", "--json", "--format", "text"], "--json prints the bytes in hexadecimal"),
        (["read", "/nonexistent", "1", "--format", "base64"], "base64"),
        (["create-page", "/nonexistent", "--size", "0"], "--size must be 1 to 1073741824 bytes, not 0"),
        (["create-page", "/nonexistent", "--size", "8", "--meta", "novalue"], "--meta takes key=value, not 'novalue'"),
        (["create-page", "/nonexistent", "--size", "8", "--location", "moon"], "moon"),
        (["metadata", "/nonexistent", "1", "--set", "mmsb.rule=x"], "change it with `mmsb set-rule`"),
        (["metadata", "/nonexistent", "1", "--set", "a=1", "--remove", "a"], "contradict each other"),
        (["set-rule", "/nonexistent", "1", "nosuchrule"], "there is no rule called \"nosuchrule\""),
        (["set-rule", "/nonexistent", "1"], "give the rule's name"),
        (["add-edge", "/nonexistent", "1", "2", "--type", "wire"], "wire"),
        (["watch", "/nonexistent", "--interval", "5"], "--interval must be 10 to 60000 milliseconds, not 5"),
        (["watch", "/nonexistent", "--limit", "0"], "--limit must be at least 1, not 0"),
    ])
    func badArgumentsExit64(arguments: [String], message: String) throws {
        let run = try runMMSB(arguments)
        #expect(run.status == 64, "stderr: \(run.error)")
        #expect(run.output.isEmpty)
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(run.error.hasPrefix("Error: ") && run.error.contains(message), "stderr: \(run.error)")
    }

    /// Failures found while working: exit 1, one line saying what and where, the store unchanged.
    @Test func failuresAreOneLineAndChangeNothing() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        try ok(["create-page", store, "--size", "4"])
        // Opening for writing and closing again records a clean end in the manifest; nothing else may change.
        let before = try StateBus.verify(storeAt: store)
        expectCleanFailure(try runMMSB(["write", store, "1", "--offset", "30", "--text", "abc"]), mentioning: "page 1")
        expectCleanFailure(try runMMSB(["write", store, "9", "--text", "a"]), mentioning: "9")
        expectCleanFailure(try runMMSB(["write", store, "1", "--file", scratch.file("none")]), mentioning: "cannot read \(scratch.file("none")): No such file or directory")
        expectCleanFailure(try runMMSB(["write", store, "1", "--stdin"]), mentioning: "standard input is empty")
        expectCleanFailure(try runMMSB(["read", store, "1", "--offset", "32"]), mentioning: "--offset 32 is past the end of page 1, which has 32 bytes")
        expectCleanFailure(try runMMSB(["read", store, "1", "--offset", "30", "--length", "3"]), mentioning: "reaches byte 33")
        expectCleanFailure(try runMMSB(["delete-page", store, "5"]), mentioning: "5")
        expectCleanFailure(try runMMSB(["add-edge", store, "1", "1"]), mentioning: "page 1 cannot depend on itself")
        expectCleanFailure(try runMMSB(["remove-edge", store, "1", "3"]), mentioning: "page 3 does not exist")
        expectCleanFailure(try runMMSB(["remove-edge", store, "1", "2"]), mentioning: "there is no edge 1 -> 2 to remove")
        expectCleanFailure(try runMMSB(["metadata", store, "1", "--remove", "colour"]), mentioning: "page 1 has no metadata entry colour to remove")
        expectCleanFailure(try runMMSB(["set-rule", store, "1", "--none"]), mentioning: "page 1 names no rule")
        expectCleanFailure(try runMMSB(["create", store]), mentioning: "\(store) is already an MMSB store")
        expectCleanFailure(try runMMSB(["read", store, "1", "--at-lsn", "99"]), mentioning: "LSN 99 lies beyond the end of the log")
        expectCleanFailure(try runMMSB(["write", scratch.file("nothing"), "1", "--text", "a"]), mentioning: "no store at")
        #expect(try StateBus.verify(storeAt: store) == before)
    }

    @Test func aWriteThatWouldLeaveAPageOfAnUnknownRuleStaleIsRefused() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        do {
            let bus = try StateBus.open(at: store)
            let source = try bus.createPage(size: 4), derived = try bus.createPage(size: 4)
            try bus.addEdge(from: source, to: derived)
            var registry = RuleRegistry()
            registry.register(.function(name: "app.double") { inputs in inputs.isEmpty ? [0, 0, 0, 0] : inputs[0].array.map { $0 &* 2 } }, as: "app.double")
            try bus.setRule(named: "app.double", from: registry, for: derived)
            try bus.close()
        }
        expectCleanFailure(
            try runMMSB(["write", store, "1", "--text", "a"]),
            mentioning: "page 2 depends on page 1 through the rule \"app.double\", which this tool does not know")
        // A page nothing depends on can still be written.
        try ok(["write", store, "2", "--text", "z"])
    }

    @Test func recoverLooksFirstThenSalvages() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        for text in ["a", "b", "c"] { try ok(["write", store, "1", "--text", text]) }
        // A flipped byte in the sealed first segment: damage before the tail.
        let log = store + "/log"
        let segments = try FileManager.default.contentsOfDirectory(atPath: log).sorted()
        let first = log + "/" + segments[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: first))
        let before = try Fixture.contents(of: store)

        let refused = try runMMSB(["write", store, "1", "--text", "d"])
        expectCleanFailure(refused, mentioning: "`mmsb recover <store> --salvage --dry-run` shows what keeping the valid prefix")
        let plan = try ok(["recover", store, "--salvage", "--dry-run"])
        #expect(plan.first == "Dry run: nothing was changed. Opening the store for writing would:")
        #expect(plan.contains { $0.hasPrefix("  drop 4 records (LSN 1–4) and ") })
        #expect(plan.contains("  remove \(log)/\(segments[1])"))
        #expect(try ok(["write", store, "1", "--text", "d", "--salvage", "--dry-run"]) == plan)
        #expect(try Fixture.contents(of: store) == before, "a dry run changes nothing")

        let salvaged = try jsonObject(try #require(try ok(["recover", store, "--salvage", "--json"]).first))
        let recovery = try #require(salvaged["recovery"] as? [String: Any])
        #expect((recovery["salvaged"] as? [String: Any])?["recordsDropped"] as? Int == 4)
        #expect(try ok(["recover", store]) == [
            "Recovered \(store): found no checkpoint and replayed 0 log records; no torn tail.", "The log ends at LSN 0.",
        ])
    }

    @Test func backupCopiesAStoreBesideItsWriter() throws {
        let scratch = ScratchDirectory()
        let store = try storeWithAPage(scratch)
        try ok(["write", store, "1", "--text", "kept"])
        let holder = try StateBus.open(at: store)
        defer { try? holder.close() }
        let copy = scratch.file("copy")
        let lines = try ok(["backup", store, copy])
        #expect(lines.count == 1 && lines[0].hasPrefix("Backed up \(store) at LSN 2 to \(copy): "))
        #expect(try ok(["read", copy, "1", "--format", "text"]) == ["kept"])
        expectCleanFailure(try runMMSB(["backup", store, copy]), mentioning: "\(copy) is not an MMSB store: it holds other files")
        let json = try jsonObject(try #require(try ok(["backup", store, scratch.file("second"), "--json"]).first))
        #expect(json["lsn"] as? Int == 2)
        let same = try runMMSB(["backup", store, store + "/"])
        #expect(same.status == 64 && same.error.contains("another directory"))
    }
}
