import ArgumentParser
import MMSB

/// `mmsb log <store>`: the store's log records, one per line.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List the records of a store's log, one per line, with filters.",
        discussion: """
            Each line is one record: its LSN, time (UTC, from the record's nanosecond timestamp), type \
            (page-created, page-deleted, metadata-changed, deltas or checkpoint), the page or pages it \
            touches, and for deltas the delta ids, epochs, payload bytes and sources, as key=value pairs:

              lsn=3 time=2025-01-02T03:04:05.000000000Z type=deltas page=1 delta=2 epoch=2 bytes=14 source=user

            Filters combine (a record must pass all of them). The log holds the records after the \
            checkpoint only, unless the store keeps its history. With --json each line is one JSON \
            object with sorted keys, listing every delta of the record. Read-only: the store is not \
            locked or changed.
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Start at this LSN (an error if it lies beyond the log).", valueName: "lsn"))
    var fromLSN: UInt64?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop after this LSN.", valueName: "lsn"))
    var toLSN: UInt64?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Only records that touch this page id.", valueName: "id"))
    var page: UInt64?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only deltas records with a delta from this source (user, compute, replay, disk, … or a custom label).",
            valueName: "label")
    )
    var source: String?

    @Option(
        name: .long,
        parsing: .unconditional,
        help: ArgumentHelp("Only records stamped at or after this time (nanoseconds since the UNIX epoch).", valueName: "ns"))
    var since: UInt64?

    @Option(
        name: .long,
        parsing: .unconditional,
        help: ArgumentHelp("Only records stamped at or before this time (nanoseconds since the UNIX epoch).", valueName: "ns"))
    var until: UInt64?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Print at most this many records.", valueName: "n"))
    var limit: Int?

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        if let fromLSN, let toLSN, fromLSN > toLSN {
            throw ValidationError("--from-lsn \(fromLSN) is after --to-lsn \(toLSN)")
        }
        if let since, let until, since > until {
            throw ValidationError("--since \(since) is after --until \(until)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if page == 0 { throw ValidationError("--page must be a page id of 1 or more, not 0") }
        if let source, source.isEmpty { throw ValidationError("--source must not be empty") }
    }

    func run() throws {
        try StoreDirectory.requireExisting(store)
        var printed = 0
        var seen = 0
        var failure: CommandLineError?
        try StateBus.forEachRecord(inStoreAt: store, from: LSN(fromLSN ?? 1)) { record in
            if let toLSN, record.lsn.rawValue > toLSN { return false }
            seen += 1
            guard matches(record) else { return true }
            do throws(CommandLineError) {
                print(output.json ? try JSONOutput.text(RecordJSON(record: record)) : Self.text(record))
            } catch {
                failure = error
                return false
            }
            printed += 1
            return limit.map { printed < $0 } ?? true
        }
        if let failure { throw failure }
        if seen == 0, let fromLSN, fromLSN > 1 {
            let summary = try StateBus.summary(ofStoreAt: store)
            let last = max(summary.lastLSN, summary.checkpointLSN)
            if fromLSN > last.rawValue {
                throw LogError.targetBeyondLog(target: "--from-lsn \(fromLSN)", last: "the last record is LSN \(last)")
            }
        }
    }

    private func matches(_ record: LogRecord) -> Bool {
        if let since, record.timestamp < since { return false }
        if let until, record.timestamp > until { return false }
        if let page, !Self.pages(of: record).contains(PageID(page)) { return false }
        if let source {
            guard case .deltas(let deltas) = record.body, deltas.contains(where: { $0.source.label == source }) else {
                return false
            }
        }
        return true
    }

    /// The pages a record touches, in first-seen order.
    static func pages(of record: LogRecord) -> [PageID] {
        switch record.body {
        case .pageCreated(let page, _, _, _), .pageDeleted(let page), .metadataChanged(let page, _):
            return [page]
        case .deltas(let deltas):
            var seen = Set<PageID>()
            return deltas.map(\.page).filter { seen.insert($0).inserted }
        case .checkpoint:
            return []
        case .graphChanged(let change):
            return [change.pages.from, change.pages.to]
        }
    }

    static func typeName(_ body: LogRecord.Body) -> String {
        switch body {
        case .pageCreated: "page-created"
        case .pageDeleted: "page-deleted"
        case .deltas: "deltas"
        case .metadataChanged: "metadata-changed"
        case .checkpoint: "checkpoint"
        case .graphChanged(.edgeAdded): "edge-added"
        case .graphChanged(.edgeRemoved): "edge-removed"
        case .graphChanged(.weightSet): "edge-weight-set"
        }
    }

    /// The record as `key=value` pairs on one line.
    static func text(_ record: LogRecord) -> String {
        var fields = [
            "lsn=\(record.lsn)", "time=\(TimeText.iso8601(record.timestamp))", "type=\(typeName(record.body))",
        ]
        let pages = pages(of: record)
        if !pages.isEmpty { fields.append("page=" + pages.map(\.description).joined(separator: ",")) }
        switch record.body {
        case .pageCreated(_, let size, let location, let metadata):
            fields += ["size=\(size)", "location=\(location)"]
            if !metadata.isEmpty { fields.append("metadata=" + metadata.keys.joined(separator: ",")) }
        case .pageDeleted:
            break
        case .checkpoint(let covered):
            fields.append("covers=\(covered)")
        case .graphChanged(let change):
            fields.append(Self.graphText(change))
        case .metadataChanged(_, let metadata):
            fields.append("metadata=" + metadata.keys.joined(separator: ","))
        case .deltas(let deltas):
            let ids = deltas.map(\.id)
            let epochs = deltas.map(\.epoch)
            var sources: [String] = []
            for delta in deltas where !sources.contains(delta.source.label) { sources.append(delta.source.label) }
            fields.append("delta=" + range(ids.min(), ids.max()))
            fields.append("epoch=" + range(epochs.min(), epochs.max()))
            fields.append("bytes=\(deltas.reduce(0) { $0 + $1.byteCount })")
            fields.append("source=" + sources.joined(separator: ","))
        }
        return fields.joined(separator: " ")
    }

    private static func graphText(_ change: GraphChange) -> String {
        switch change {
        case .edgeAdded(let from, let to, let type): "edge=\(from)->\(to) edge-type=\(type)"
        case .edgeRemoved(let from, let to, let type): "edge=\(from)->\(to) edge-type=\(type?.description ?? "all")"
        case .weightSet(let from, let to, let weight): "edge=\(from)->\(to) weight=\(weight?.description ?? "none")"
        }
    }

    private static func range<T: CustomStringConvertible & Equatable>(_ low: T?, _ high: T?) -> String {
        guard let low, let high else { return "" }
        return low == high ? low.description : "\(low)-\(high)"
    }

    /// One line of `log --json`: the fields every record has, then those of its type.
    struct RecordJSON: Encodable {
        struct DeltaJSON: Encodable {
            var id: UInt64
            var page: UInt64
            var epoch: UInt64
            var bytes: Int
            var runs: Int
            var source: String
            @JSONNullable var intent: String?
        }

        let record: LogRecord

        private enum Key: String, CodingKey {
            case lsn, timestamp, time, type, pages, size, location, metadataKeys, covers, from, to, edgeType, weight, bytes, deltas
        }

        func encode(to encoder: any Encoder) throws {
            var object = encoder.container(keyedBy: Key.self)
            try object.encode(record.lsn.rawValue, forKey: .lsn)
            try object.encode(record.timestamp, forKey: .timestamp)
            try object.encode(TimeText.iso8601(record.timestamp), forKey: .time)
            try object.encode(LogCommand.typeName(record.body), forKey: .type)
            try object.encode(LogCommand.pages(of: record).map(\.rawValue), forKey: .pages)
            switch record.body {
            case .pageCreated(_, let size, let location, let metadata):
                try object.encode(size, forKey: .size)
                try object.encode(location.description, forKey: .location)
                try object.encode(Array(metadata.keys), forKey: .metadataKeys)
            case .pageDeleted:
                break
            case .checkpoint(let covered):
                try object.encode(covered.rawValue, forKey: .covers)
            case .graphChanged(let change):
                try object.encode(change.pages.from.rawValue, forKey: .from)
                try object.encode(change.pages.to.rawValue, forKey: .to)
                switch change {
                case .edgeAdded(_, _, let type): try object.encode(type.description, forKey: .edgeType)
                case .edgeRemoved(_, _, let type): try object.encode(type?.description ?? "all", forKey: .edgeType)
                case .weightSet(_, _, let weight):
                    if let weight { try object.encode(weight.bits, forKey: .weight) } else { try object.encodeNil(forKey: .weight) }
                }
            case .metadataChanged(_, let metadata):
                try object.encode(Array(metadata.keys), forKey: .metadataKeys)
            case .deltas(let deltas):
                try object.encode(deltas.reduce(0) { $0 + $1.byteCount }, forKey: .bytes)
                try object.encode(
                    deltas.map { delta in
                        DeltaJSON(
                            id: delta.id.rawValue, page: delta.page.rawValue, epoch: delta.epoch.rawValue, bytes: delta.byteCount,
                            runs: delta.runs.count, source: delta.source.label, intent: delta.intent)
                    }, forKey: .deltas)
            }
        }
    }
}
