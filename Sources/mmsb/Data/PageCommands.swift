import ArgumentParser
import MMSB

/// `mmsb create-page <store> --size N`: a new zero-filled page.
struct CreatePageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-page",
        abstract: "Create a zero-filled page in a store and print its id.",
        discussion: """
            The page gets the next free id, or --id. Metadata entries are text (--meta key=value, \
            repeatable); --name is short for --meta name=…. The change is in the log, synced, when the \
            command returns.

            Example: mmsb create-page /tmp/state --size 64 --name greeting
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The page's size in bytes, 1 to 1073741824.", valueName: "bytes"))
    var size: Int

    @Option(name: .long, help: ArgumentHelp("The page's id (default: the next free one).", valueName: "id"))
    var id: PageArgument?

    @Option(name: .long, help: "Where the page lives.")
    var location: LocationArgument = .cpu

    @Option(name: .long, help: ArgumentHelp("A name, stored as the metadata entry name=….", valueName: "text"))
    var name: String?

    @Option(name: .customLong("meta"), help: ArgumentHelp("A metadata entry (repeatable).", valueName: "key=value"))
    var metadata: [String] = []

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        guard (1...StateBus.maximumPageSize).contains(size) else {
            throw ValidationError("--size must be 1 to \(StateBus.maximumPageSize) bytes, not \(size)")
        }
        _ = try entries()
    }

    private func entries() throws -> PageMetadata {
        var entries: [(key: String, value: [UInt8])] = []
        if let name { entries.append(("name", Array(name.utf8))) }
        for argument in metadata { entries.append(try MetadataText.pair(argument, option: "--meta")) }
        do {
            return try PageMetadata(entries: entries)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let metadata = try entries()
        guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, _ in
            let page =
                if let id { try bus.createPage(id: id.id, size: size, location: location.location, metadata: metadata) } else {
                    try bus.createPage(size: size, location: location.location, metadata: metadata)
                }
            return (try bus.info(page: page), StoreAccess.lastLSN(bus))
        }) else { return }
        let (info, lsn) = changed
        if output.json {
            try JSONOutput.print(PageChangeReport(page: PageJSON(info), lsn: lsn))
        } else {
            print("Created page \(info.id) (\(info.size) bytes, \(info.location)) at LSN \(lsn).")
        }
    }
}

/// What a command that changed one page did.
struct PageChangeReport: Encodable {
    var page: PageJSON
    var lsn: UInt64
}

/// `mmsb delete-page <store> <page>`.
struct DeletePageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-page",
        abstract: "Delete a page from a store (its id is never given out again).",
        discussion: """
            The page's edges go with it; pages computed from it are recomputed (or marked) as for any \
            change. Time travel to an LSN before the deletion still shows the page.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The page's id.")
    var page: PageArgument

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var deleted: UInt64
        var lsn: UInt64
    }

    func run() throws {
        guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, registration in
            try StoreAccess.requirePropagation(from: page.id, in: bus, registration)
            try bus.deletePage(page.id)
            return StoreAccess.lastLSN(bus)
        }) else { return }
        let lsn = changed
        if output.json {
            try JSONOutput.print(Report(deleted: page.id.rawValue, lsn: lsn))
        } else {
            print("Deleted page \(page.id) at LSN \(lsn).")
        }
    }
}

/// `mmsb pages <store>`: every page with its size, location, epoch and metadata.
struct PagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "List a store's pages: id, size, location, epoch and metadata.",
        discussion: """
            Read-only and lock-free: works beside a process that has the store open (what it wrote \
            after the listing began is not seen). With --at-lsn, lists the pages as they were after \
            that record.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("List the pages as they were after this LSN.", valueName: "lsn"))
    var atLSN: UInt64?

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var store: String
        var pages: [PageJSON]
    }

    func run() throws {
        let bus = try StoreAccess.readOnly(store, atLSN: atLSN)
        let pages = bus.pages()
        if output.json {
            try JSONOutput.print(Report(store: StoreDirectory.normalized(store), pages: pages.map(PageJSON.init)))
            return
        }
        guard !pages.isEmpty else {
            print("The store has no pages.")
            return
        }
        print("page  size        location  epoch  metadata")
        for info in pages {
            let metadata = info.metadata.entries.map { "\($0.key)=\(MetadataText.show($0.value))" }.joined(separator: " ")
            let line = pad(info.id.description, 5) + " " + pad("\(info.size)", 11) + " " + pad(info.location.description, 9) + " "
                + pad(info.epoch.description, 6) + " " + metadata
            print(line.prefix(through: line.lastIndex { $0 != " " } ?? line.startIndex))
        }
    }

    private func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
}
