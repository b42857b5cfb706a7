import ArgumentParser
import Foundation
import MMSB

/// `mmsb replay <store> --to-lsn N --out <dir>`: a past state of a store, written out as a new store.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a store's state as of an LSN, epoch or time and write it as a new store.",
        discussion: """
            Rebuilds the state read-only from the store's checkpoint and log, up to the target: \
            --to-lsn N (after record N; 0 is the empty store), --to-epoch E (the longest prefix of the \
            log in which no page's epoch exceeds E) or --to-time T (after the last record stamped at or \
            before T nanoseconds since the UNIX epoch). Exactly one target is required. States before \
            the checkpoint can be rebuilt only when the store keeps its history.

            The state is written to a new store at --out, which must not exist or be an empty \
            directory: every page with its id, size, location, metadata, epoch and bytes, and the same \
            id counters. The source store is not changed. The command prints the digest of the \
            rebuilt state and of the new store; they are equal.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Rebuild the state after the record with this LSN.", valueName: "lsn"))
    var toLSN: UInt64?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Rebuild the state at this epoch cut.", valueName: "epoch"))
    var toEpoch: UInt64?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Rebuild the state at this time (nanoseconds since the UNIX epoch).", valueName: "ns"))
    var toTime: UInt64?

    @Option(name: .long, help: ArgumentHelp("The directory of the new store (must not exist, or be empty).", valueName: "dir"))
    var out: String

    @OptionGroup var output: JSONOutputOption

    /// `replay --json`.
    struct Report: Encodable {
        var store: String
        var target: String
        var pages: Int
        var nextDeltaID: UInt64
        var out: String
        var outStoreID: String
        var checkpointLSN: UInt64
        var rebuiltDigest: String
        var newStoreDigest: String
    }

    /// The one target given.
    var target: ReplayTarget? {
        switch (toLSN, toEpoch, toTime) {
        case (let lsn?, nil, nil): .lsn(LSN(lsn))
        case (nil, let epoch?, nil): .epoch(Epoch(epoch))
        case (nil, nil, let time?): .timestamp(time)
        default: nil
        }
    }

    func validate() throws {
        guard target != nil else {
            throw ValidationError("give exactly one of --to-lsn, --to-epoch and --to-time")
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory") }
    }

    func run() throws {
        guard let target else { throw ValidationError("give exactly one of --to-lsn, --to-epoch and --to-time") }
        try StoreDirectory.requireExisting(store)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandLineError("\(out) is a file: replay writes a new store directory and overwrites nothing")
        }
        guard try StoreDirectory.isAbsentOrEmpty(out) else {
            throw CommandLineError("\(out) already exists and is not empty: replay writes a new store and overwrites nothing")
        }
        let past = try StateBus.open(at: store, asOf: target, configuration: .init(deviceMemory: .emulateInHostMemory))
        let pastDigest = try past.stateDigest()
        let outPath = StoreDirectory.normalized(out)
        let copy = try StoreCopy.write(past, toNewStoreAt: outPath)
        guard copy.digest == pastDigest else {
            throw CommandLineError("the new store's digest \(copy.digest) differs from the rebuilt state's \(pastDigest)")
        }
        if output.json {
            try JSONOutput.print(
                Report(
                    store: StoreDirectory.normalized(store), target: target.description, pages: past.pageCount,
                    nextDeltaID: past.nextDeltaID.rawValue, out: outPath, outStoreID: copy.storeID.description,
                    checkpointLSN: copy.checkpointLSN.rawValue, rebuiltDigest: pastDigest.description, newStoreDigest: copy.digest.description))
            return
        }
        print(
            "Rebuilt \(StoreDirectory.normalized(store)) as of \(target): \(counted(past.pageCount, "page")), next delta id \(past.nextDeltaID)."
        )
        print("Wrote it to a new store at \(outPath) (store id \(copy.storeID)), checkpointed at LSN \(copy.checkpointLSN).")
        print("Digest of the rebuilt state: \(pastDigest)")
        print("Digest of the new store:     \(copy.digest)")
        print("The digests are equal.")
    }
}

/// Writes the state of a bus into a new store.
enum StoreCopy {
    /// What was written.
    struct Result {
        var storeID: StoreID
        var checkpointLSN: LSN
        /// The digest of the new store as rebuilt from its files after it was closed.
        var digest: StateDigest
    }

    /// Deltas per record when catching up the delta id counter.
    private static let fillerBatch = 4_096

    /// Creates a store at `path` (which must not exist or be empty) holding the pages of `source` with
    /// their ids, sizes, locations, metadata, epochs and bytes, and the same id counters, so that its
    /// digest equals the source's. The directory is removed again if anything fails.
    ///
    /// The library has no call that sets a store's id counters, so they are reached through the public
    /// write path: the highest page id ever used by creating (and deleting) that page when it is no
    /// longer live, and the next delta id by applying deltas that rewrite a byte with its own value at
    /// the page's epoch. Those change no page; they only keep the counters equal.
    static func write(_ source: StateView, toNewStoreAt path: String) throws -> Result {
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            let options = StoreOptions(durability: .none, bus: .init(deviceMemory: .emulateInHostMemory))
            let bus = try StateBus.open(at: path, options: options)
            let storeID = bus.storeID
            let pages = source.pages()
            for info in pages {
                try bus.createPage(id: info.id, size: info.size, location: info.location, metadata: info.metadata)
            }
            // A page above the highest live one keeps the highest id ever used; it is deleted at the end.
            let highest = source.nextPageID.map { PageID($0.rawValue - 1) } ?? PageID(UInt64.max)
            var scratch: PageID?
            if highest.rawValue > (pages.last?.id.rawValue ?? 0) {
                scratch = try bus.createPage(id: highest, size: 1)
            }
            for info in pages {
                let bytes = try source.read(page: info.id)
                guard info.epoch != .zero || bytes.contains(where: { $0 != 0 }) else { continue }
                try bus.apply(try Delta(page: info.id, epoch: info.epoch, offset: 0, bytes: bytes, source: .replay))
            }
            let wanted = source.nextDeltaID.rawValue
            var next = bus.nextDeltaID.rawValue
            if next < wanted, let filler = scratch ?? pages.first?.id {
                let epoch = try bus.info(page: filler).epoch
                let byte = try bus.read(page: filler).first ?? 0
                let delta = try Delta(page: filler, epoch: epoch, offset: 0, bytes: [byte], source: .replay)
                while next < wanted {
                    let count = Int(min(wanted - next, UInt64(fillerBatch)))
                    try bus.apply([Delta](repeating: delta, count: count))
                    next += UInt64(count)
                }
            }
            if let scratch { try bus.deletePage(scratch) }
            try bus.close()
            let checkpointLSN = try StateBus.summary(ofStoreAt: path).checkpointLSN
            let digest = try StateBus.verify(storeAt: path).checkpointAndTail
            return Result(storeID: storeID ?? StoreID(high: 0, low: 0), checkpointLSN: checkpointLSN, digest: digest)
        } catch {
            if !existed {
                try? FileManager.default.removeItem(atPath: path)
            } else if let entries = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for entry in entries { try? FileManager.default.removeItem(atPath: path + "/" + entry) }
            }
            throw error
        }
    }
}
