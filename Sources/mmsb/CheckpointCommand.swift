import ArgumentParser
import MMSB

/// `mmsb checkpoint <store>`: opens a store, takes a checkpoint and closes it.
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Take a checkpoint of a store now, so that opening it replays nothing.",
        discussion: """
            Opens the store for writing (running recovery, which cuts a torn tail if there is one), \
            writes a checkpoint of every page covering the last LSN in the log, and closes it. The \
            older checkpoint and, unless --keep-history is given, the log segments the new checkpoint \
            covers are deleted. Prints what recovery found, the LSN the checkpoint covers and the \
            files removed. Fails if another process has the store open for writing.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Flag(name: .long, help: "Keep the log segments the checkpoint covers, for time travel before it.")
    var keepHistory = false

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    /// `checkpoint --json`.
    struct Report: Encodable {
        var store: String
        @JSONNullable var recovery: StoreJSON.Recovery?
        var checkpointLSN: UInt64
        var removedFiles: [String]
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        if recovery.dryRun {
            try RecoveryPlan.print(forStoreAt: store, salvage: recovery.salvage)
            return
        }
        let before = try StateBus.summary(ofStoreAt: store)
        var options = StoreAccess.writingOptions(create: false, salvage: recovery.salvage)
        options.keepHistory = keepHistory
        let bus = try StateBus.open(at: store, options: options)
        let covered: LSN?
        do {
            covered = try bus.checkpoint()
            try bus.close()
        } catch {
            try? bus.close()
            throw error
        }
        let after = try StateBus.summary(ofStoreAt: store)
        let removed =
            before.segments.map { "log/" + $0.name }.filter { name in !after.segments.contains { "log/" + $0.name == name } }
            + before.checkpoints.map { "ckpt/" + $0.name }.filter { name in
                !after.checkpoints.contains { "ckpt/" + $0.name == name }
            }
        let checkpointLSN = covered ?? after.checkpointLSN
        if output.json {
            try JSONOutput.print(
                Report(
                    store: StoreDirectory.normalized(store), recovery: bus.recoveryReport.map(StoreJSON.Recovery.init),
                    checkpointLSN: checkpointLSN.rawValue, removedFiles: removed))
            return
        }
        if let report = bus.recoveryReport {
            print("Opened \(StoreDirectory.normalized(store)): recovery \(report.summaryText).")
        }
        print("Checkpoint covers LSN \(checkpointLSN).")
        if removed.isEmpty {
            print("Removed no files.")
        } else {
            print("Removed \(counted(removed.count, "file")): \(removed.joined(separator: ", ")).")
        }
    }
}
