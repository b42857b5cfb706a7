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

            With --recompute it then registers the rule each page names in its metadata (key \
            mmsb.rule: passthrough, semiring.<name>, or the demo's demo.monitor), re-runs every rule on \
            its inputs' logged bytes and reports each page whose recomputed bytes differ from the log \
            (an impure or changed rule); it exits 1 if any does. Pages naming a rule this tool does not \
            know are listed as not checked and do not fail the check: rules are code, so only the \
            program that owns them can check them (with StateBus.verifyRules()).
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Flag(
        name: .long,
        help: "Also re-run the recompute rules the pages name (standard rules and the demo's) and report pages whose bytes differ from the log.")
    var recompute = false

    private func verifyRules() throws {
        let (registration, verification) = try StateBus.verifyRules(storeAt: store, registry: DemoRules.registry)
        for missing in registration.missing {
            print("Page \(missing.page) names the rule \"\(missing.name)\", which this tool does not know: not checked.")
        }
        guard verification.isConsistent else {
            throw CommandLineError("recomputed pages differ from the log: " + verification.description.split(separator: "\n").joined(separator: "; "))
        }
        print("Recompute: " + verification.description.split(separator: "\n").joined(separator: "; "))
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        let report = try StateBus.verify(storeAt: store)
        print("Store \(StoreDirectory.normalized(store))")
        guard report.isConsistent else {
            throw CommandLineError("the store is inconsistent \(report.description.dropFirst("INCONSISTENT ".count))")
        }
        print(report)
        if recompute { try verifyRules() }
        if report.writerActive {
            print("Note: a writer held the store; verified the log as it was at LSN \(report.lsn), records written later are not seen.")
        }
        if let tornTail = report.tornTail, !report.writerActive {
            print(
                "Note: the log ends in a torn tail that both rebuilds stop before, and that opening the store for writing cuts: \(tornTail)."
            )
        }
    }
}
