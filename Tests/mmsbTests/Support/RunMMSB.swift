import Foundation
import Testing

/// How a run of the built `mmsb` binary ended and what it printed.
struct MMSBRun {
    var status: Int32
    var output: String
    var error: String
    /// Standard output as bytes, for commands that print binary data.
    var outputBytes = Data()

    /// The lines of standard output, without empty ones.
    var lines: [String] { output.split(separator: "\n").map(String.init) }
}

/// Runs the built `mmsb` binary with `arguments`, as a user would, and waits for it to finish.
///
/// Standard error is read on a second thread, so a command that prints a lot to both cannot block.
func runMMSB(_ arguments: [String], input: Data? = nil) throws -> MMSBRun {
    try run(try mmsbExecutable(), arguments, input: input)
}

/// Runs the crash-recovery tests' writer, the test-support executable `CrashWriter`, and waits for it.
func runCrashWriter(_ arguments: [String]) throws -> MMSBRun {
    try run(try builtExecutable("CrashWriter"), arguments, input: nil)
}

/// Runs `executable` with `arguments` (and `input` on its standard input) and waits for it to finish.
private func run(_ executable: URL, _ arguments: [String], input: Data?) throws -> MMSBRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inputPipe = input.map { _ in Pipe() }
    process.standardInput = inputPipe ?? FileHandle.nullDevice
    try process.run()
    if let inputPipe, let input {
        inputPipe.fileHandleForWriting.write(input)
        try inputPipe.fileHandleForWriting.close()
    }
    let errorData = PipeReader(err.fileHandleForReading)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return MMSBRun(
        status: process.terminationStatus,
        output: String(decoding: outData, as: UTF8.self),
        error: String(decoding: errorData.finish(), as: UTF8.self), outputBytes: outData)
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
func mmsbExecutable() throws -> URL { try builtExecutable("mmsb") }

/// An executable of this package, from the build directory the tests run from.
func builtExecutable(_ name: String) throws -> URL {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
    let candidates = [bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()]
        .map { $0.appendingPathComponent(name) }
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
}
