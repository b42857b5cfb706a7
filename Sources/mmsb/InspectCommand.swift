import ArgumentParser
import MMSB

/// `mmsb inspect <store>`: what a store's files hold, read-only.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a store: identity, log segments, checkpoint, counts and what recovery would do.",
        discussion: """
            Reads the store's manifest, checkpoint and log segments and prints the store id, format, \
            the LSN the checkpoint covers, the first LSN the log still holds, every segment and \
            checkpoint file with its size, the number of records, deltas and payload bytes in the log, \
            the bytes on disk, the last LSN, epoch and timestamp, the pages with the most deltas, and \
            whether the log ends in a torn tail.

            The recovery section tells what opening the store for writing would do (load the \
            checkpoint, replay the records after it, cut a torn tail). Inspect itself never modifies \
            the store: it takes no lock and writes nothing, so it is safe beside a running writer.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Show the N pages with the most deltas (0 to leave the list out).", valueName: "n"))
    var pages: Int = 10

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        guard pages >= 0 else { throw ValidationError("--pages must not be negative, not \(pages)") }
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        let summary = try StateBus.summary(ofStoreAt: store)
        let path = StoreDirectory.normalized(store)
        let topPages = summary.deltasPerPage
            .sorted { $0.deltas != $1.deltas ? $0.deltas > $1.deltas : $0.page < $1.page }
            .prefix(pages)
        let replayed = summary.lastLSN > summary.checkpointLSN ? summary.lastLSN.rawValue - summary.checkpointLSN.rawValue : 0
        if output.json {
            try JSONOutput.print(Report(summary, path: path, topPages: Array(topPages), replayed: replayed))
            return
        }
        print("Store \(path)")
        print("  id: \(summary.store)")
        print("  format: MMSB store format \(StoreFormat.major).\(StoreFormat.minor)")
        print("  checkpoint LSN: \(summary.checkpointLSN)\(summary.checkpointLSN == .zero ? " (no checkpoint yet)" : "")")
        print("  first live LSN: \(summary.firstLiveLSN)")
        if summary.cleanEndLSN == .zero {
            print("  clean end: none recorded (the store is open, crashed, or was closed with a checkpoint covering its log)")
        } else {
            print("  clean end: LSN \(summary.cleanEndLSN) (the last close recorded where the log ends)")
        }
        if summary.writerActive {
            print("  writer: another process has the store open; this is its log as it was at LSN \(max(summary.lastLSN, summary.checkpointLSN))")
        }
        print("Log")
        print("  records: \(summary.records)")
        print("  deltas: \(summary.deltas)")
        print("  payload bytes: \(summary.payloadBytes)")
        print("  last LSN: \(summary.lastLSN)")
        print("  last epoch: \(summary.lastEpoch)")
        if summary.records > 0 {
            print("  last timestamp: \(summary.lastTimestamp) ns (\(TimeText.iso8601(summary.lastTimestamp)))")
        } else {
            print("  last timestamp: none (the log holds no record)")
        }
        print("  bytes on disk: \(summary.bytesOnDisk) (segments and checkpoints)")
        print("Segments: \(summary.segments.count)")
        for segment in summary.segments { print("  log/\(segment.name): \(segment.bytes) bytes") }
        print("Checkpoints: \(summary.checkpoints.count)")
        for checkpoint in summary.checkpoints { print("  ckpt/\(checkpoint.name): \(checkpoint.bytes) bytes") }
        if pages > 0 {
            print("Deltas per page (top \(topPages.count) of \(counted(summary.deltasPerPage.count, "page")))")
            for entry in topPages { print("  page \(entry.page): \(counted(entry.deltas, "delta"))") }
        }
        if let tornTail = summary.tornTail {
            print("Torn tail: found, \(tornTail)")
        } else {
            print("Torn tail: none, the log ends at a record boundary")
        }
        if let unfinished = summary.unfinishedSegment {
            print("Unfinished segment: found, \(unfinished)")
        }
        print("Recovery (inspect never modifies the store; this is what opening it for writing would do)")
        if summary.checkpointLSN == .zero {
            print("  load no checkpoint and replay \(counted(replayed, "record")) from LSN \(summary.firstLiveLSN)")
        } else {
            print(
                "  load the checkpoint covering LSN \(summary.checkpointLSN), then replay \(counted(replayed, "record")) after it"
            )
        }
        if let tornTail = summary.tornTail {
            print("  cut the torn tail: \(tornTail.bytesDropped) bytes from \(tornTail.file) at offset \(tornTail.offset)")
        } else {
            print("  cut nothing: there is no torn tail")
        }
        if let unfinished = summary.unfinishedSegment {
            print("  remove the unfinished segment \(unfinished.file) (\(unfinished.bytesDropped) bytes, nothing in it was acknowledged)")
        }
    }

    /// `inspect --json`: the summary's fields, the busiest pages, and what recovery would do.
    struct Report: Encodable {
        struct PageDeltas: Encodable {
            var page: UInt64
            var deltas: Int
        }

        struct RecoveryPlan: Encodable {
            var modifiesStore = false
            var checkpointLSN: UInt64
            var recordsToReplay: UInt64
            var cutsTornTail: Bool
            var removesUnfinishedSegment: Bool
        }

        var path: String
        var store: String
        var format = "\(StoreFormat.major).\(StoreFormat.minor)"
        var checkpointLSN: UInt64
        var firstLiveLSN: UInt64
        var segments: [StoreJSON.File]
        var checkpoints: [StoreJSON.File]
        var records: Int
        var deltas: Int
        var payloadBytes: Int
        var bytesOnDisk: Int
        var lastLSN: UInt64
        var lastEpoch: UInt64
        var lastTimestamp: UInt64
        var pagesWithDeltas: Int
        var deltasPerPage: [PageDeltas]
        @JSONNullable var tornTail: StoreJSON.Damage?
        @JSONNullable var unfinishedSegment: StoreJSON.Damage?
        var cleanEndLSN: UInt64
        var writerActive: Bool
        var recovery: RecoveryPlan

        init(_ summary: StoreSummary, path: String, topPages: [(page: PageID, deltas: Int)], replayed: UInt64) {
            self.path = path
            store = summary.store.description
            checkpointLSN = summary.checkpointLSN.rawValue
            firstLiveLSN = summary.firstLiveLSN.rawValue
            segments = summary.segments.map { StoreJSON.File(name: $0.name, bytes: $0.bytes) }
            checkpoints = summary.checkpoints.map { StoreJSON.File(name: $0.name, bytes: $0.bytes) }
            records = summary.records
            deltas = summary.deltas
            payloadBytes = summary.payloadBytes
            bytesOnDisk = summary.bytesOnDisk
            lastLSN = summary.lastLSN.rawValue
            lastEpoch = summary.lastEpoch.rawValue
            lastTimestamp = summary.lastTimestamp
            pagesWithDeltas = summary.deltasPerPage.count
            deltasPerPage = topPages.map { PageDeltas(page: $0.page.rawValue, deltas: $0.deltas) }
            tornTail = StoreJSON.Damage.optional(summary.tornTail)
            unfinishedSegment = StoreJSON.Damage.optional(summary.unfinishedSegment)
            cleanEndLSN = summary.cleanEndLSN.rawValue
            writerActive = summary.writerActive
            recovery = RecoveryPlan(
                checkpointLSN: summary.checkpointLSN.rawValue, recordsToReplay: replayed, cutsTornTail: summary.tornTail != nil,
                removesUnfinishedSegment: summary.unfinishedSegment != nil)
        }
    }
}
