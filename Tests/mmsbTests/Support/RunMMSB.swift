import Foundation
import Testing

/// How a run of the built `mmsb` binary ended and what it printed.
struct MMSBRun {
    var status: Int32
    var output: String
    var error: String

    /// The lines of standard output, without empty ones.
    var lines: [String] { output.split(separator: "\n").map(String.init) }
}

/// Runs the built `mmsb` binary with `arguments`, as a user would, and waits for it to finish.
///
/// Standard error is read on a second thread, so a command that prints a lot to both cannot block.
func runMMSB(_ arguments: [String]) throws -> MMSBRun {
    let process = Process()
    process.executableURL = try mmsbExecutable()
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errorData = PipeReader(err.fileHandleForReading)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return MMSBRun(
        status: process.terminationStatus,
        output: String(decoding: outData, as: UTF8.self),
        error: String(decoding: errorData.finish(), as: UTF8.self))
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written by the reading thread before `done` is signalled, read after waiting for it.
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Waits for the end of the pipe and returns everything read.
    func finish() -> Data {
        done.wait()
        return data
    }
}

/// The built `mmsb` executable: the test bundle sits in the build folder, next to the executable
/// this target depends on.
func mmsbExecutable() throws -> URL {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
    let candidates = [bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()]
        .map { $0.appendingPathComponent("mmsb") }
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
}
