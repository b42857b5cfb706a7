import ArgumentParser
import MMSB

/// `mmsb create <store>`: a new, empty store.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a new, empty store.",
        discussion: """
            Creates the directory (and its parents) and an empty store in it: a manifest, an empty log \
            segment and a lock file. The directory must not exist or be empty; a directory that is \
            already a store is refused, so nothing is ever overwritten.

            Example: mmsb create /tmp/state && mmsb create-page /tmp/state --size 64 --name greeting
            """
    )

    @Argument(help: "The new store's directory.")
    var store: String

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var store: String
        var storeID: String
    }

    func run() throws {
        let path = StoreDirectory.normalized(store)
        guard try StoreDirectory.isAbsentOrEmpty(path) else {
            if (try? StateBus.summary(ofStoreAt: path)) != nil {
                throw CommandLineError("\(path) is already an MMSB store: create makes new stores only")
            }
            throw LogError.notAStore(path: path, found: .otherFiles)
        }
        let bus = try StateBus.open(at: path, options: StoreAccess.writingOptions(create: true, salvage: false))
        let id = bus.storeID?.description ?? ""
        try bus.close()
        if output.json {
            try JSONOutput.print(Report(store: path, storeID: id))
        } else {
            print("Created an empty store at \(path) (store id \(id)).")
        }
    }
}
