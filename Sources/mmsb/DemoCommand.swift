import ArgumentParser
import MMSB

/// `mmsb demo`: the original quickstart, told in plain words.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the quickstart: create a page, write it, update it, read it back.",
        discussion: """
            Runs the original MMSB quickstart on a fresh in-memory bus and says what happens at each \
            step: a page is created, the message is written in capitals as one delta, the page is \
            updated to the message as given (only the bytes that differ become a delta), updated again \
            with the same bytes (no delta at all), and read back.
            """
    )

    @Option(name: .long, help: "Bytes in the demo page (1 to 1073741824).")
    var pageSize: Int = Quickstart.defaultPageSize

    @Option(name: .long, help: "The text to store; it must fit in the page.")
    var message: String = Quickstart.defaultMessage

    func run() throws {
        var output = StandardOutput()
        try Quickstart.run(pageSize: pageSize, message: message, printing: &output)
    }
}

/// Writes demo lines to standard output.
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) { print(string, terminator: "") }
}
