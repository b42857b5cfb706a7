import ArgumentParser
import Foundation
import MMSB

/// `mmsb demo`: the original quickstart, then the same page in a durable store, told in plain words.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the quickstart, then keep the page in a durable store, reopen it and travel back in time.",
        discussion: """
            First runs the original MMSB quickstart on a fresh in-memory bus and says what happens at \
            each step: a page is created, the message is written in capitals as one delta, the page is \
            updated to the message as given (only the bytes that differ become a delta), updated again \
            with the same bytes (no delta at all), and read back.

            Then it does the same in a durable store in a new temporary directory: it writes, closes \
            the store (which takes a checkpoint), reopens it and says what recovery found, opens the \
            store as it was before the last change and reads the old text there, and verifies that \
            every way of rebuilding the store gives the same digest.

            Last, the original tutorial in the same store: pages source → derived → monitor joined by \
            data edges, derived a passthrough of source and monitor "derived=" plus derived's text; \
            each write to source recomputes both in the same call. The store is reopened without any \
            rule (replay applies the logged propagation deltas) and the rules are run again to check \
            them. The directory is removed at the end unless --keep is given (then try `mmsb graph`).
            """
    )

    @Option(name: .long, parsing: .unconditional, help: "Bytes in the demo page (1 to 1073741824).")
    var pageSize: Int = Quickstart.defaultPageSize

    @Option(name: .long, help: "The text to store; it must fit in the page.")
    var message: String = Quickstart.defaultMessage

    @Flag(name: .long, help: "Keep the demo store's directory and print its path, for `mmsb inspect` and `mmsb log`.")
    var keep = false

    /// Every value is checked before the first step runs, so a bad one prints nothing but its error.
    func validate() throws {
        guard (1...(1 << 30)).contains(pageSize) else {
            throw ValidationError("--page-size must be 1 to 1073741824 bytes, not \(pageSize)")
        }
        // The demo writes the message upper-cased, then as given; both must fit.
        let needed = max(message.utf8.count, message.uppercased().utf8.count)
        guard needed <= pageSize else {
            throw ValidationError(
                "--message needs \(needed) bytes (\"\(message.uppercased())\" in UTF-8), more than the \(pageSize)-byte page; "
                    + "give a shorter message or a --page-size of at least \(needed)")
        }
    }

    func run() throws {
        var output = StandardOutput()
        try Quickstart.run(pageSize: pageSize, message: message, printing: &output)
        print("")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mmsb-demo-\(UUID().uuidString)", isDirectory: true).path
        defer {
            if keep {
                print("Kept the store at \(directory); try `mmsb inspect \(directory)` or `mmsb log \(directory)`.")
            } else if FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.removeItem(atPath: directory)
                    print("Removed the demo store \(directory).")
                } catch {
                    print("Could not remove the demo store \(directory): \(error.localizedDescription).")
                }
            }
        }
        try StoreStory.run(pageSize: pageSize, message: message, in: directory, printing: &output)
        print("")
        try TutorialStory.run(in: directory, printing: &output)
    }
}

/// Writes demo lines to standard output.
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) { print(string, terminator: "") }
}
