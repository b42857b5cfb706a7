import ArgumentParser
import MMSB

/// The `mmsb` command-line tool.
@main
struct MMSBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmsb",
        abstract: "MMSB: a deterministic, delta-driven paged state store.",
        discussion: """
            Pages of bytes change only through deltas. Start with `mmsb demo` to watch a page being \
            created, written, updated and read back.
            """,
        version: MMSBVersion.current,
        subcommands: [DemoCommand.self, CrashWriterCommand.self]
    )
}

/// The tool's version, printed by `mmsb --version`.
enum MMSBVersion {
    static let current = "0.1.0"
}
