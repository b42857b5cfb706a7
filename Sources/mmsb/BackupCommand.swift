import ArgumentParser
import MMSB

/// `mmsb backup <store> <destination>`: a consistent copy of a store, also while it is in use.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a store into a new store, consistent at one LSN, also while another process writes it.",
        discussion: """
            Pins the store's files at one moment and copies its checkpoint and live log segments into \
            <destination>, which must not exist or be empty; a record the writer was still appending \
            is left out. Every file is synced and the manifest is written last, so an interrupted \
            backup leaves a folder that is not a store rather than half of one. The source is not \
            locked or changed. The copy has the store's id and opens like any store.

            Example: mmsb backup /var/lib/app/state /backups/state-monday
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The new store's directory (absent or empty).")
    var destination: String

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var store: String
        var destination: String
        var lsn: UInt64
        var checkpointLSN: UInt64
        var files: Int
        var bytes: Int
    }

    func validate() throws {
        guard StoreDirectory.normalized(store) != StoreDirectory.normalized(destination) else {
            throw ValidationError("the destination must be another directory than the store")
        }
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        let report = try StateBus.backup(storeAt: store, to: destination)
        let path = StoreDirectory.normalized(destination)
        if output.json {
            try JSONOutput.print(
                Report(
                    store: StoreDirectory.normalized(store), destination: path, lsn: report.lsn.rawValue,
                    checkpointLSN: report.checkpointLSN.rawValue, files: report.files, bytes: report.bytes))
        } else {
            print("Backed up \(StoreDirectory.normalized(store)) at LSN \(report.lsn) to \(path): \(counted(report.files, "file")), \(counted(report.bytes, "byte")).")
        }
    }
}
