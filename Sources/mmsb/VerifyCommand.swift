import ArgumentParser
import MMSB

/// `mmsb verify <store>`: checks that every way of rebuilding the store gives the same state.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a store's checkpoint plus log and a full replay give the same state.",
        discussion: """
            Rebuilds the state from the checkpoint and the log records after it, and, when the store \
            keeps its history from LSN 1, again by replaying the whole log from an empty store, and \
            compares the digests (XXH3-64 over the id counters and every page). Read-only. Exits 0 \
            when the store is consistent (noting a torn tail at the end of the log, which is what a \
            crash leaves) and 1 with an error otherwise; damaged files are errors that name the file \
            and offset.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    func run() throws {
        try StoreDirectory.requireExisting(store)
        let report = try StateBus.verify(storeAt: store)
        print("Store \(StoreDirectory.normalized(store))")
        guard report.isConsistent else {
            throw CommandLineError("the store is inconsistent: \(report.description.dropFirst("INCONSISTENT: ".count))")
        }
        print(report)
        if let tornTail = try StateBus.summary(ofStoreAt: store).tornTail {
            print(
                "Note: the log ends in a torn tail that both rebuilds stop before, and that opening the store for writing cuts: \(tornTail)."
            )
        }
    }
}
