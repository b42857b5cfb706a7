import ArgumentParser
import Foundation
import Testing
@testable import mmsb
import MMSB

/// Collects demo output in memory.
private struct Transcript: TextOutputStream {
    var text = ""
    mutating func write(_ string: String) { text += string }
}

@Suite struct DemoCommandTests {
    @Test func quickstartTellsEachStep() throws {
        var transcript = Transcript()
        try Quickstart.run(pageSize: 16, message: "mmsb-delta-proof", printing: &transcript)
        let lines = transcript.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("Created page 1: 16 bytes on the cpu, all zeros, epoch 0, metadata name=quickstart."))
        #expect(lines.contains("Wrote \"MMSB-DELTA-PROOF\" at offset 0 as delta 1 (16 bytes); the page is now at epoch 1."))
        #expect(lines.contains(
            "Updated the page to \"mmsb-delta-proof\": the bus compared old and new bytes and only the 14 that differ became delta 2; epoch 2."))
        #expect(lines.contains("Updated it again with the same bytes: nothing differed, so no delta was made and the epoch stayed 2."))
        #expect(lines.contains("Read page 1 back: \"mmsb-delta-proof\" (16 bytes, epoch 2)."))
        #expect(lines.last == "Deleted page 1; its memory went back to the allocator (0 live pages). Next delta id would be 3.")
    }

    @Test func shortMessagesArePaddedWithZeros() throws {
        var transcript = Transcript()
        try Quickstart.run(pageSize: 32, message: "hi", printing: &transcript)
        #expect(transcript.text.contains("Read page 1 back: \"hi\" (32 bytes, epoch 2)."))
    }

    @Test func badPageSizeIsThePageError() {
        var transcript = Transcript()
        #expect(throws: PageError.invalidSize(0)) { try Quickstart.run(pageSize: 0, message: "x", printing: &transcript) }
    }

    @Test func messageLongerThanThePageIsTheDeltaError() {
        var transcript = Transcript()
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 5, pageSize: 4)) {
            try Quickstart.run(pageSize: 4, message: "hello", printing: &transcript)
        }
    }

    @Test func storeStoryWritesReopensAndTravelsBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mmsb-story-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var transcript = Transcript()
        try StoreStory.run(pageSize: 16, message: "mmsb-delta-proof", in: directory, printing: &transcript)
        let lines = transcript.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("Wrote \"MMSB-DELTA-PROOF\" as delta 1: log record 2, epoch 1."))
        #expect(lines.contains("Closed the store without a checkpoint, so its state now lives only in the log (records 1 to 3)."))
        #expect(lines.contains(
            "Reopened it: recovery found no checkpoint, replayed 3 log records from 1 segment up to record 3, and found no torn tail to cut."))
        #expect(lines.contains("After reopening, page 1 reads \"mmsb-delta-proof\" at epoch 2."))
        #expect(lines.contains(
            "Travelled back to log record 2: there page 1 reads \"MMSB-DELTA-PROOF\" at epoch 1; the live store is unchanged."))
        #expect(lines.contains { $0.hasPrefix("Verified the store: the live state, the state read back from its files, and a full replay") })
        let last = try #require(lines.last)
        #expect(last.hasPrefix("Took a checkpoint covering record "))
        #expect(last.hasSuffix(", so the next open replays nothing; the log is kept for time travel."))
        #expect(try StateBus.verify(storeAt: directory).isConsistent)
    }

    @Test func optionsParse() throws {
        let command = try #require(try MMSBCommand.parseAsRoot(["demo", "--page-size", "64", "--message", "abc"]) as? DemoCommand)
        #expect(command.pageSize == 64)
        #expect(command.message == "abc")
    }
}

/// Runs the built `mmsb` binary as a user would.
@Suite struct CommandLineProcessTests {
    @Test func demoSucceeds() throws {
        let result = try runMMSB(["demo"])
        #expect(result.status == 0)
        #expect(result.output.contains("Read page 1 back: \"mmsb-delta-proof\""))
        #expect(result.error.isEmpty)
    }

    @Test func demoRemovesItsStoreUnlessKept() throws {
        let result = try runMMSB(["demo"])
        #expect(result.status == 0)
        #expect(result.output.contains("Travelled back to log record 2: there page 1 reads \"MMSB-DELTA-PROOF\""))
        let removed = try #require(result.lines.last)
        #expect(removed.hasPrefix("Removed the demo store /"))
        let path = String(removed.dropFirst("Removed the demo store ".count).dropLast())
        #expect(!FileManager.default.fileExists(atPath: path))

        let kept = try runMMSB(["demo", "--keep", "--message", "kept"])
        #expect(kept.status == 0)
        let last = try #require(kept.lines.last)
        #expect(last.hasPrefix("Kept the store at /"))
        let store = String(last.dropFirst("Kept the store at ".count).prefix { $0 != ";" })
        defer { try? FileManager.default.removeItem(atPath: store) }
        #expect(FileManager.default.fileExists(atPath: store))
        let verify = try runMMSB(["verify", store])
        #expect(verify.status == 0)
        #expect(verify.output.contains("consistent at LSN "))
    }

    @Test func versionPrints() throws {
        let result = try runMMSB(["--version"])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == MMSBVersion.current)
    }

    @Test(arguments: [
        (["demo", "--page-size", "0"], "--page-size must be 1 to 1073741824 bytes, not 0"),
        (["demo", "--page-size", "-8"], "--page-size must be 1 to 1073741824 bytes, not -8"),
        (["demo", "--page-size", "4", "--message", "hello"], "--message needs 5 bytes (\"HELLO\" in UTF-8), more than the 4-byte page"),
        // The default message is 16 bytes: refused before the first step prints anything.
        (["demo", "--page-size", "8"], "--message needs 16 bytes"),
        // "ŉ" (2 bytes) upper-cases to "ʼN" (3 bytes): the longer of the two must fit.
        (["demo", "--page-size", "2", "--message", "ŉ"], "--message needs 3 bytes"),
        (["demo", "--page-size", "2000000000"], "--page-size must be 1 to 1073741824 bytes, not 2000000000"),
    ])
    func badInputExitsNonZeroWithTheMessage(arguments: [String], message: String) throws {
        let result = try runMMSB(arguments)
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.error.contains("Error: \(message)"))
        #expect(!result.error.contains("Stack dump"))
        #expect(!result.error.contains("Fatal error"))
        #expect(result.error.split(separator: "\n").count == 1)
    }

    @Test func helpReadsWellOnEveryCommand() throws {
        for arguments in [["--help"], ["demo", "--help"], ["help", "demo"]] {
            let result = try runMMSB(arguments)
            #expect(result.status == 0)
            #expect(result.output.contains("USAGE: mmsb"))
        }
        let demoHelp = try runMMSB(["demo", "--help"]).output
        #expect(demoHelp.contains("--page-size"))
        #expect(demoHelp.contains("--message"))
    }
}
