import Foundation
import Testing

/// Two processes share blocks: `mmsb kv blockset serve` owns a block set and exports it; separate
/// `mmsb kv blockset read` processes import the export and read the blocks byte-exact, and see
/// them go stale when the owner advances its generation or exits.
@Suite struct KVRemoteCommandTests {
    @Test(arguments: ["shm", "disk"])
    func anotherProcessReadsTheOwnersBlocks(storage: String) throws {
        let directory = ScratchDirectory()
        let export = directory.path + "/export.bin"
        let owner = try Owner(["kv", "blockset", "serve", "--storage", storage, "--directory", directory.path,
                               "--blocks", "3", "--worker", "21", "--seed", "5", "--export", export])
        let published = try owner.readLines(until: "ready")
        #expect(published.count == 4 && published[2].hasPrefix("block=2 bytes=8192 xxh3="))

        let inspect = try runMMSB(["kv", "blockset", "inspect", export])
        #expect(inspect.status == 0 && inspect.lines.first == "worker 21, 1 block set(s)")

        let read = try runMMSB(["kv", "blockset", "read", "--export", export, "2", "0"])
        #expect(read.status == 0)
        #expect(read.lines == [published[2], published[0]])

        let inspectJSON = try runMMSB(["kv", "blockset", "inspect", export, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspectJSON.output.utf8)) as? [String: Any])
        #expect(object["workerID"] as? Int == 21)
        let set = try #require((object["blocksets"] as? [[String: Any]])?.first)
        #expect(set["storageKind"] as? String == (storage == "shm" ? "sharedMemory" : "disk"))
        #expect((set["layout"] as? [String: Any])?["numBlocks"] as? Int == 3)
        let readJSON = try runMMSB(["kv", "blockset", "read", "--export", export, "--json", "2", "0"])
        #expect(readJSON.status == 0 && readJSON.lines.count == 2)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(readJSON.lines[0].utf8)) as? [String: Any])
        let hash = try #require(second["xxh3"] as? NSNumber).uint64Value
        #expect(published[2] == "block=2 bytes=\(second["bytes"] as? Int ?? 0) xxh3=\(hash)")

        try owner.send("advance")
        #expect(try owner.readLines(until: "generation=2") == ["generation=2"])
        let stale = try runMMSB(["kv", "blockset", "read", "--export", export, "1"])
        #expect(stale.status != 0 && stale.output.isEmpty)
        #expect(stale.error == "Error: stale descriptor for worker 21 block set 0: it is of generation 1 but the storage is at generation 2\n")

        #expect(try owner.finish() == 0)
        let gone = try runMMSB(["kv", "blockset", "read", "--export", export, "1"])
        #expect(gone.status != 0)
        #expect(gone.error.hasPrefix("Error: ") && gone.error.split(separator: "\n").count == 1)

        let foreign = try runMMSB(["kv", "blockset", "read", "--export", export, "--blockset", "3", "1"])
        #expect(foreign.status != 0 && foreign.error.contains("Error:"))
    }

    @Test(arguments: [["inspect"], ["read", "--export"]])
    func aMissingExportIsOneLineNamingTheFile(command: [String]) throws {
        let directory = ScratchDirectory()
        let missing = directory.path + "/nothing.bin"
        let run = try runMMSB(["kv", "blockset"] + command + [missing] + (command.count > 1 ? ["0"] : []))
        #expect(run.status == 1 && run.output.isEmpty)
        #expect(run.error == "Error: cannot read \(missing): No such file or directory\n")
    }

    @Test func readWithoutBlocksIsRefusedBeforeAnything() throws {
        let run = try runMMSB(["kv", "blockset", "read", "--export", "/nonexistent/export.bin"])
        #expect(run.status == 64 && run.output.isEmpty)
        #expect(run.error.hasPrefix("Error: give the indices of the blocks to read"))
    }

    @Test func aCorruptExportIsOneErrorLine() throws {
        let directory = ScratchDirectory()
        let path = directory.path + "/bad.bin"
        try Data("MMSBKVBS but not really".utf8).write(to: URL(fileURLWithPath: path))
        let run = try runMMSB(["kv", "blockset", "inspect", path])
        #expect(run.status != 0)
        #expect(run.error.hasPrefix("Error: corrupt blockset descriptor at byte 0"))
    }
}

/// A running `mmsb kv blockset serve`, talked to through its standard input and output.
private final class Owner {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var buffer = ""

    init(_ arguments: [String]) throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        let candidates = [bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("mmsb") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw OwnerError.noExecutable
        }
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Lines printed up to and including `last`.
    func readLines(until last: String) throws -> [String] {
        while !buffer.split(separator: "\n").contains(Substring(last)) {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw OwnerError.endedEarly(buffer) }
            buffer += String(decoding: data, as: UTF8.self)
        }
        let lines = buffer.split(separator: "\n").map(String.init)
        let index = lines.firstIndex(of: last) ?? lines.count - 1
        buffer = lines[(index + 1)...].map { $0 + "\n" }.joined()
        return Array(lines[...index])
    }

    func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes the owner's standard input and waits for it to exit.
    func finish() throws -> Int32 {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

private enum OwnerError: Error {
    case endedEarly(String)
    case noExecutable
}
