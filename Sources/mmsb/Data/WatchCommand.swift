import ArgumentParser
import Foundation
import MMSB

/// `mmsb watch <store>`: every change as it is committed, like `tail -f` on the log.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print each change to a store as it is committed, following the log while another process writes.",
        discussion: """
            Starts after the last record in the log (or at --from-lsn, to show earlier records first) \
            and prints every record that follows, in `mmsb log`'s format, as soon as it is durable in \
            the log; it keeps following until interrupted (Ctrl-C) or until --limit records were \
            printed, as `tail -f` follows a file. Read-only and lock-free: the writer is not slowed or blocked. Records a checkpoint \
            removed before watch could read them (a checkpoint deletes the log it covers unless the \
            store keeps its history) are reported on standard error, and watching goes on after them.

            Examples:
              mmsb watch /tmp/state
              mmsb watch /tmp/state --from-lsn 1 --json | jq -c 'select(.type == "deltas")'
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Start at this LSN instead of after the end of the log.", valueName: "lsn"))
    var fromLSN: UInt64?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop after printing this many records.", valueName: "n"))
    var limit: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How often to look for new records, 10 to 60000 milliseconds.", valueName: "ms"))
    var interval: Int = 100

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        if fromLSN == 0 { throw ValidationError("--from-lsn must be 1 or more, not 0") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        guard (10...60_000).contains(interval) else { throw ValidationError("--interval must be 10 to 60000 milliseconds, not \(interval)") }
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        var next: UInt64
        if let fromLSN {
            next = fromLSN
        } else {
            let summary = try StateBus.summary(ofStoreAt: store)
            next = max(summary.lastLSN, summary.checkpointLSN).rawValue + 1
        }
        var printed = 0
        while true {
            var failure: CommandLineError?
            var expected = next
            try StateBus.forEachRecord(inStoreAt: store, from: LSN(next)) { record in
                let lsn = record.lsn.rawValue
                if lsn > expected {
                    let missed =
                        lsn - 1 == expected
                        ? "record \(expected) was removed by a checkpoint before it could be read"
                        : "records \(expected)–\(lsn - 1) were removed by a checkpoint before they could be read"
                    FileHandle.standardError.write(Data("watch: \(missed)\n".utf8))
                }
                expected = lsn + 1
                do throws(CommandLineError) {
                    print(output.json ? try JSONOutput.text(LogCommand.RecordJSON(record: record)) : LogCommand.text(record))
                } catch {
                    failure = error
                    return false
                }
                printed += 1
                return limit.map { printed < $0 } ?? true
            }
            if let failure { throw failure }
            fflush(nil)  // every stream: the records found reach a pipe now, not when its buffer fills
            if let limit, printed >= limit { return }
            next = expected
            usleep(UInt32(interval) * 1_000)
        }
    }
}
