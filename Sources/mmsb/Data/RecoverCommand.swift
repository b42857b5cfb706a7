import ArgumentParser
import MMSB

/// `mmsb recover <store>`: run recovery now, as opening the store for writing would, and say what it did.
struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Recover a store after a crash or damage: cut a torn tail, or with --salvage keep the valid prefix of a damaged log.",
        discussion: """
            Opens the store for writing, which runs recovery, and closes it again. A crash leaves at \
            most a torn tail (bytes of a record that was never acknowledged): it is cut. Damage before \
            the tail (a flipped bit in a sealed segment, a lost segment) is refused, naming the file and \
            offset, unless --salvage is given: then the log is cut at the first bad record and every \
            later record and segment is dropped (RocksDB's point-in-time recovery). Every other \
            command that opens a store for writing takes --salvage as well.

            With --dry-run nothing is changed: the command prints what recovery would load, replay, \
            cut and drop. Look first, then salvage:

              mmsb recover /tmp/state --salvage --dry-run
              mmsb recover /tmp/state --salvage
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var store: String
        var dryRun: Bool
        var recovery: StoreJSON.Recovery
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        let path = StoreDirectory.normalized(store)
        let report: RecoveryReport
        if recovery.dryRun {
            report = try RecoveryPlan.plan(forStoreAt: path, salvage: recovery.salvage)
            if !output.json {
                for line in RecoveryPlan.lines(report) { print(line) }
                return
            }
        } else {
            let bus = try StateBus.open(at: path, options: StoreAccess.writingOptions(create: false, salvage: recovery.salvage))
            defer { try? bus.close() }
            guard let opened = bus.recoveryReport else { throw CommandLineError("\(path) opened without a recovery report") }
            report = opened
            try bus.close()
        }
        if output.json {
            try JSONOutput.print(Report(store: path, dryRun: recovery.dryRun, recovery: StoreJSON.Recovery(report)))
            return
        }
        print("Recovered \(path): \(report.summaryText).")
        if let unfinished = report.unfinishedSegment {
            print("Removed the unfinished segment \(unfinished.file) (\(unfinished.bytesDropped) bytes, nothing in it was acknowledged).")
        }
        if let salvaged = report.salvaged {
            let records = salvaged.droppedLSNs.map { "\(counted(salvaged.recordsDropped, "record")) (LSN \($0.lowerBound)–\($0.upperBound))" }
                ?? "no whole record"
            print("Salvage dropped \(records) and \(salvaged.totalBytesDropped) bytes; removed \(salvaged.filesDropped.isEmpty ? "no file" : salvaged.filesDropped.joined(separator: ", ")).")
        }
        print("The log ends at LSN \(report.lastLSN).")
    }
}
