import ArgumentParser
import MMSB

/// `mmsb demo`: the original quickstart, told in plain words.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the quickstart: create a page, write it, update it, read it back.",
        discussion: """
            Runs the original MMSB quickstart on a fresh in-memory bus and says what happens at each \
            step: a 16-byte page is created, written through a delta, updated by diff (an unchanged \
            update makes no delta), and read back.
            """
    )

    func run() throws {
        var output = StandardOutput()
        try Quickstart.run(printing: &output)
    }
}

/// Writes demo lines to standard output.
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) { print(string, terminator: "") }
}
