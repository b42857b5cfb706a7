import ArgumentParser
import MMSB

/// `mmsb metadata <store> <page> [--set key=value] [--remove key]`: a page's metadata, read or changed.
struct MetadataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Print a page's metadata, or set and remove entries of it.",
        discussion: """
            Without --set or --remove, prints the page's entries (`key=value`, values as text, or as \
            `hex:…` when they are not printable text); read-only and lock-free. With them, opens the \
            store for writing, applies every --set and --remove as one logged change, and prints the \
            entries after it. The key mmsb.rule names a page's recompute rule: change it with \
            `mmsb set-rule`, which also checks the rule.

            Example: mmsb metadata /tmp/state 1 --set owner=alice --remove draft
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The page's id.")
    var page: PageArgument

    @Option(name: .customLong("set"), help: ArgumentHelp("Set an entry (repeatable).", valueName: "key=value"))
    var entries: [String] = []

    @Option(name: .customLong("remove"), help: ArgumentHelp("Remove an entry (repeatable).", valueName: "key"))
    var removals: [String] = []

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var page: UInt64
        var metadata: [String: String]
        /// The LSN of the change; `null` when nothing was changed.
        @JSONNullable var lsn: UInt64?
    }

    func validate() throws {
        let pairs = try entries.map { try MetadataText.pair($0, option: "--set") }
        if let key = pairs.first(where: { $0.key == RuleRegistry.metadataKey })?.key ?? removals.first(where: { $0 == RuleRegistry.metadataKey }) {
            throw ValidationError("\(key) names the page's recompute rule: change it with `mmsb set-rule`")
        }
        if let both = pairs.first(where: { removals.contains($0.key) }) {
            throw ValidationError("--set \(both.key)=… and --remove \(both.key) contradict each other")
        }
        if removals.contains("") { throw ValidationError("--remove needs a key") }
    }

    func run() throws {
        let info: PageInfo
        var lsn: UInt64?
        if entries.isEmpty, removals.isEmpty {
            info = try StoreAccess.readOnly(store).info(page: page.id)
        } else {
            let pairs = try entries.map { try MetadataText.pair($0, option: "--set") }
            guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, _ in
                var metadata = try bus.metadata(of: page.id)
                for key in removals {
                    guard metadata[key] != nil else { throw CommandLineError("page \(page.id) has no metadata entry \(key) to remove") }
                    metadata[key] = nil
                }
                for (key, value) in pairs { metadata[key] = value }
                try bus.setMetadata(metadata, of: page.id)
                return (try bus.info(page: page.id), StoreAccess.lastLSN(bus))
            }) else { return }
            (info, lsn) = changed
        }
        if output.json {
            try JSONOutput.print(Report(page: page.id.rawValue, metadata: PageJSON(info).metadata, lsn: lsn))
            return
        }
        if let lsn { print("Changed the metadata of page \(page.id) at LSN \(lsn).") }
        if info.metadata.entries.isEmpty { print("Page \(page.id) has no metadata.") }
        for entry in info.metadata.entries { print("\(entry.key)=\(MetadataText.show(entry.value))") }
    }
}
