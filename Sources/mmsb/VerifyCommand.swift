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

    @OptionGroup var output: JSONOutputOption

    /// `verify --json`: the digests compared, and with --recompute what re-running the rules found.
    struct Report: Encodable {
        struct Recompute: Encodable {
            struct Mismatch: Encodable {
                var page: UInt64
                var firstDifference: Int
                var differingBytes: Int
            }

            struct Failure: Encodable {
                var page: UInt64
                var error: String
            }

            struct UnknownRule: Encodable {
                var page: UInt64
                var rule: String
            }

            var consistent: Bool
            var matching: [UInt64]
            var mismatches: [Mismatch]
            var failures: [Failure]
            var unknownRules: [UnknownRule]
            var pending: [UInt64]
        }

        var store: String
        var consistent: Bool
        var lsn: UInt64
        var checkpointAndTail: String
        @JSONNullable var fullReplay: String?
        var writerActive: Bool
        @JSONNullable var tornTail: StoreJSON.Damage?
        @JSONNullable var recompute: Recompute?
    }

    private func recomputeReport() throws -> Report.Recompute {
        let (registration, verification) = try StateBus.verifyRules(storeAt: store, registry: DemoRules.registry)
        return Report.Recompute(
            consistent: verification.isConsistent, matching: verification.matching.map(\.rawValue),
            mismatches: verification.mismatches.map {
                .init(page: $0.page.rawValue, firstDifference: $0.firstDifference, differingBytes: $0.differingBytes)
            },
            failures: verification.failures.map { .init(page: $0.page.rawValue, error: "\($0.error)") },
            unknownRules: registration.missing.map { .init(page: $0.page.rawValue, rule: $0.name) },
            pending: verification.pending.map(\.rawValue))
    }

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
        if output.json {
            let recomputed = try recompute ? recomputeReport() : nil
            try JSONOutput.print(
                Report(
                    store: StoreDirectory.normalized(store), consistent: report.isConsistent, lsn: report.lsn.rawValue,
                    checkpointAndTail: report.checkpointAndTail.description, fullReplay: report.fullReplay?.description,
                    writerActive: report.writerActive, tornTail: StoreJSON.Damage.optional(report.tornTail), recompute: recomputed))
            guard report.isConsistent, recomputed?.consistent ?? true else { throw ExitCode.failure }
            return
        }
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
