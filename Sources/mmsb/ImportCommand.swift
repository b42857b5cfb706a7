import ArgumentParser
import Foundation
import MMSB

/// `mmsb import <legacy file> [<legacy file>] <store>`: the original system's files, into a store.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the original MMSB's checkpoint (MMSBSNAP) and/or transaction log (MMSBLOG1) into a store.",
        discussion: """
            Give one or two legacy files, then the store: a checkpoint, a transaction log, or one of \
            each in any order (the kind is told by the file's magic bytes). Log versions 1 and 2 and \
            checkpoint versions 1 and 2 are read. Checkpoint pages are created with their ids, sizes, \
            locations, epochs, metadata and bytes; the log frames written after the checkpoint are \
            applied as deltas with their epochs and sources; a page the log writes but the checkpoint \
            lacks is created as large as the largest extent written to it.

            The store is created when missing. A store that already has pages is refused unless \
            --into-existing is given, and then only when the imported page ids are above every id it \
            has used. The files are checked in memory first, so a bad file or a refused frame leaves \
            the store as it was (and a store created by this command is removed again). The store is \
            closed with a checkpoint; the log records of the import are deleted then, unless \
            --keep-history is given.
            """
    )

    @Argument(help: "A legacy checkpoint or transaction log.")
    var legacyFile: String

    @Argument(help: "The store's directory, or a second legacy file (then the store follows).")
    var storeOrLegacyFile: String

    @Argument(help: "The store's directory, when two legacy files are given.")
    var store: String?

    @Flag(name: .long, help: "Skip and report log frames the bus refuses (stale epochs, out of bounds) instead of stopping.")
    var skipInvalid = false

    @Flag(name: .long, help: "Import into a store that already has pages.")
    var intoExisting = false

    @Flag(name: .long, help: "Keep the imported records in the log after the closing checkpoint, for `mmsb log` and time travel.")
    var keepHistory = false

    @OptionGroup var output: JSONOutputOption

    /// `import --json`: what was read, what was imported, and where the store's log ends.
    struct Report: Encodable {
        struct LegacyFileRead: Encodable {
            var path: String
            var kind: String
            var version: Int
            var pages: Int?
            var frames: Int?
        }

        struct Rejection: Encodable {
            var offset: Int
            var reason: String
        }

        var store: String
        var read: [LegacyFileRead]
        var snapshotPages: Int
        var inferredPages: Int
        var deltasApplied: Int
        var framesCoveredBySnapshot: Int
        var emptyFrames: Int
        var rejected: [Rejection]
        var pages: Int
        var lastLSN: UInt64
    }

    /// The legacy files and the store, from the positional arguments.
    var files: (legacy: [String], store: String) {
        if let store { return ([legacyFile, storeOrLegacyFile], store) }
        return ([legacyFile], storeOrLegacyFile)
    }

    /// A legacy file read and parsed.
    private enum LegacyFile {
        case snapshot(LegacySnapshot, path: String)
        case log(LegacyTransactionLog, path: String)
    }

    func run() throws {
        let (legacyPaths, store) = files
        var snapshot: (file: LegacySnapshot, path: String)?
        var log: (file: LegacyTransactionLog, path: String)?
        for path in legacyPaths {
            switch try Self.load(path) {
            case .snapshot(let file, let path):
                if let first = snapshot {
                    throw CommandLineError("two checkpoints given (\(first.path) and \(path)); give at most one")
                }
                snapshot = (file, path)
            case .log(let file, let path):
                if let first = log {
                    throw CommandLineError("two transaction logs given (\(first.path) and \(path)); give at most one")
                }
                log = (file, path)
            }
        }

        // An existing store is checked read-only first, so that a refusal leaves every file as it was.
        let storeExisted = FileManager.default.fileExists(atPath: store)
        var current: StateView?
        if try !StoreDirectory.isAbsentOrEmpty(store) {
            let summary = try StateBus.summary(ofStoreAt: store)
            current = try StateBus.open(
                at: store, asOf: .lsn(max(summary.lastLSN, summary.checkpointLSN)),
                configuration: .init(deviceMemory: .emulateInHostMemory))
        }
        if let current { try checkRoom(pages: current.pageCount, nextPageID: current.nextPageID, store: store, for: []) }
        // A dry run on an in-memory bus finds refused frames and bad pages before the store is touched.
        let trial = StateBus(configuration: .init(deviceMemory: .emulateInHostMemory))
        let expected = try trial.importLegacy(snapshot: snapshot?.file, log: log?.file, skipInvalid: skipInvalid)
        let importedIDs = trial.pages().map(\.id)
        if let current { try checkRoom(pages: current.pageCount, nextPageID: current.nextPageID, store: store, for: importedIDs) }

        let options = StoreOptions(durability: .none, bus: .init(deviceMemory: .emulateInHostMemory), keepHistory: keepHistory)
        let bus = try StateBus.open(at: store, options: options)
        let report: LegacyImportReport
        do {
            try checkRoom(pages: bus.pageCount, nextPageID: bus.nextPageID, store: store, for: importedIDs)
            report = try bus.importLegacy(snapshot: snapshot?.file, log: log?.file, skipInvalid: skipInvalid)
            try bus.close()
        } catch {
            try? bus.close()
            if bus.recoveryReport?.created == true { Self.removeStore(at: store, keepingDirectory: storeExisted) }
            throw error
        }
        let lastLSN = (bus.nextLSN?.rawValue ?? 1) - 1
        if output.json {
            var read: [Report.LegacyFileRead] = []
            if let snapshot {
                read.append(.init(path: snapshot.path, kind: "MMSBSNAP", version: Int(snapshot.file.version), pages: snapshot.file.pages.count))
            }
            if let log { read.append(.init(path: log.path, kind: "MMSBLOG1", version: Int(log.file.version), frames: log.file.entries.count)) }
            try JSONOutput.print(
                Report(
                    store: StoreDirectory.normalized(store), read: read, snapshotPages: report.snapshotPages,
                    inferredPages: report.inferredPages, deltasApplied: report.deltasApplied,
                    framesCoveredBySnapshot: report.framesCoveredBySnapshot, emptyFrames: report.emptyFrames,
                    rejected: report.rejected.map { Report.Rejection(offset: $0.offset, reason: $0.reason) }, pages: bus.pageCount,
                    lastLSN: lastLSN))
            return
        }
        if let snapshot {
            print(
                "Read \(snapshot.path): MMSBSNAP version \(snapshot.file.version), \(counted(snapshot.file.pages.count, "page")), log offset \(snapshot.file.logOffset)."
            )
        }
        if let log {
            print("Read \(log.path): MMSBLOG1 version \(log.file.version), \(counted(log.file.entries.count, "frame")).")
        }
        print("Imported into \(StoreDirectory.normalized(store)): \(report).")
        for rejection in report.rejected {
            print("  skipped the frame at byte \(rejection.offset): \(rejection.reason)")
        }
        if report != expected {
            print("Note: the import differed from the trial run in memory (\(expected)).")
        }
        print("The store now holds \(counted(bus.pageCount, "page")); its log ends at LSN \(lastLSN).")
    }

    /// Throws unless a store of `pages` pages whose next page id is `nextPageID` may take the imported
    /// pages: it must have no pages (or --into-existing), and every imported id must lie above the ids
    /// it has used.
    private func checkRoom(pages: Int, nextPageID: PageID?, store: String, for importedIDs: [PageID]) throws {
        guard pages == 0 || intoExisting else {
            throw CommandLineError(
                "\(StoreDirectory.normalized(store)) already has \(counted(pages, "page")); "
                    + "import into a new store, or give --into-existing")
        }
        let used = nextPageID.map { $0.rawValue - 1 } ?? UInt64.max
        if let lowest = importedIDs.min(), lowest.rawValue <= used {
            throw CommandLineError(
                "the legacy files hold page \(lowest), but the store has already used page ids up to \(used); "
                    + "import into a new store instead")
        }
    }

    /// Removes a store this command created.
    private static func removeStore(at path: String, keepingDirectory: Bool) {
        guard keepingDirectory else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            try? FileManager.default.removeItem(atPath: path + "/" + entry)
        }
    }

    /// Reads `path` and parses it as the kind its magic bytes name.
    private static func load(_ path: String) throws -> LegacyFile {
        let bytes = try CommandFile.read(path)
        do {
            if bytes.starts(with: LegacyTransactionLog.magic) { return .log(try LegacyTransactionLog(bytes: bytes), path: path) }
            if bytes.starts(with: LegacySnapshot.magic) { return .snapshot(try LegacySnapshot(bytes: bytes), path: path) }
        } catch {
            throw CommandLineError("\(path): \(error)")
        }
        let shown = String(decoding: bytes.prefix(8).map { (0x20...0x7E).contains($0) ? $0 : 0x2E }, as: UTF8.self)
        throw CommandLineError(
            "\(path) is not a legacy MMSB file: it starts with \"\(shown)\", not MMSBLOG1 (transaction log) or MMSBSNAP (checkpoint)"
        )
    }
}
