import ArgumentParser
import Foundation
import MMSB

/// The `mmsb` command-line tool.
@main
struct MMSBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmsb",
        abstract: "MMSB: a deterministic, delta-driven paged state store.",
        discussion: """
            Pages of bytes change only through deltas, and a store writes every change ahead to a \
            checksummed log. Start with `mmsb demo` to watch a page being created, written, updated, \
            stored, reopened and read as it was in the past; then look at a store with `mmsb inspect`, \
            `mmsb log` and `mmsb verify`.
            """,
        version: MMSBVersion.current,
        subcommands: [DemoCommand.self],
        groupedSubcommands: [
            CommandGroup(
                name: "Data",
                subcommands: [
                    CreateCommand.self, CreatePageCommand.self, DeletePageCommand.self, WriteCommand.self, ReadCommand.self,
                    PagesCommand.self, MetadataCommand.self, AddEdgeCommand.self, RemoveEdgeCommand.self, SetRuleCommand.self,
                    WatchCommand.self, RecoverCommand.self,
                ]),
            CommandGroup(
                name: "Store",
                subcommands: [
                    InspectCommand.self, LogCommand.self, VerifyCommand.self, GraphCommand.self, CheckpointCommand.self, ReplayCommand.self,
                    ImportCommand.self, BackupCommand.self,
                ]),
            CommandGroup(name: "KV cache", subcommands: [KVCommand.self]),
        ]
    )

    /// Parses and runs the command like ArgumentParser's own `main()`, except that a failure is told in
    /// one line, `Error: <message>`, on standard error (ArgumentParser adds usage lines to bad flags).
    /// Help and `--version` print as usual.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let text = oneLineMessage(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            if !text.isEmpty {
                FileHandle.standardError.write(Data(("Error: " + text + "\n").utf8))
            }
            exit(withError: ExitCode(code.rawValue))
        }
    }

    /// ArgumentParser's message for `error`, except that a Foundation file error (which would print as
    /// `Error Domain=NSCocoaErrorDomain Code=260 … UserInfo={…}`) is told as its path and the system's
    /// reason, so that no command can leak such a dump even where it does not use ``CommandFile``.
    static func oneLineMessage(for error: any Error) -> String {
        // Damage the default recovery refuses: say how to look at, and then take, the way out.
        if let logError = error as? LogError {
            switch logError {
            case .corrupt, .missingSegment:
                return "\(logError); `mmsb recover <store> --salvage --dry-run` shows what keeping the valid prefix of the log would drop"
            default: break
            }
        }
        let nsError = error as NSError
        guard nsError.domain == NSCocoaErrorDomain else { return message(for: error) }
        let path = (nsError.userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
        return path + CommandFile.reason(error)
    }
}

/// The tool's version, printed by `mmsb --version`.
enum MMSBVersion {
    static let current = "0.1.0"
}
