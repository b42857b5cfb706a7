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

    @Test func optionsParse() throws {
        let command = try #require(try MMSBCommand.parseAsRoot(["demo", "--page-size", "64", "--message", "abc"]) as? DemoCommand)
        #expect(command.pageSize == 64)
        #expect(command.message == "abc")
    }
}

/// Runs the built `mmsb` binary as a user would.
@Suite struct CommandLineProcessTests {
    private struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    private func mmsb(_ arguments: [String]) throws -> Result {
        // The test bundle sits in the build folder, next to the `mmsb` executable this target depends on.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        let candidates = [bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("mmsb") }
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            output: String(decoding: outData, as: UTF8.self),
            error: String(decoding: errData, as: UTF8.self))
    }

    @Test func demoSucceeds() throws {
        let result = try mmsb(["demo"])
        #expect(result.status == 0)
        #expect(result.output.contains("Read page 1 back: \"mmsb-delta-proof\""))
        #expect(result.error.isEmpty)
    }

    @Test func versionPrints() throws {
        let result = try mmsb(["--version"])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == MMSBVersion.current)
    }

    @Test(arguments: [
        (["demo", "--page-size", "0"], "invalid page size 0"),
        (["demo", "--page-size", "4", "--message", "hello"], "delta for page 1 reaches byte 5 but the page holds 4 bytes"),
        (["demo", "--page-size", "2000000000"], "invalid page size 2000000000"),
    ])
    func badInputExitsNonZeroWithTheMessage(arguments: [String], message: String) throws {
        let result = try mmsb(arguments)
        #expect(result.status != 0)
        #expect(result.error.contains("Error: \(message)"))
        #expect(!result.error.contains("Stack dump"))
        #expect(!result.error.contains("Fatal error"))
        #expect(result.error.split(separator: "\n").count == 1)
    }

    @Test func helpReadsWellOnEveryCommand() throws {
        for arguments in [["--help"], ["demo", "--help"], ["help", "demo"]] {
            let result = try mmsb(arguments)
            #expect(result.status == 0)
            #expect(result.output.contains("USAGE: mmsb"))
        }
        let demoHelp = try mmsb(["demo", "--help"]).output
        #expect(demoHelp.contains("--page-size"))
        #expect(demoHelp.contains("--message"))
    }
}
