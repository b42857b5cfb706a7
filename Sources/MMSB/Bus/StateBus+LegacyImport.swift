/// What importing the original's files did.
public struct LegacyImportReport: Sendable, Equatable, CustomStringConvertible {
    /// Pages created from the snapshot.
    public var snapshotPages = 0
    /// Pages created because log frames write them and the snapshot has none (sized by the largest
    /// extent the log writes to each).
    public var inferredPages = 0
    /// Log frames applied as deltas.
    ///
    /// Pages inferred from the log are as large as the longest mask the log has for them.
    public var deltasApplied = 0
    /// Log frames skipped because the snapshot already holds them (before its log offset).
    public var framesCoveredBySnapshot = 0
    /// Log frames whose mask sets nothing: they change nothing and cannot be a delta here.
    public var emptyFrames = 0
    /// Log frames the bus refused (with `skipInvalid`), by frame offset and reason.
    public var rejected: [Rejection] = []

    public struct Rejection: Sendable, Equatable {
        public var offset: Int
        public var reason: String
    }

    public var description: String {
        "\(snapshotPages) pages from the snapshot, \(inferredPages) inferred from the log, \(deltasApplied) deltas applied, "
            + "\(framesCoveredBySnapshot) frames already in the snapshot, \(emptyFrames) empty frames skipped, "
            + "\(rejected.count) frames rejected"
    }
}

extension StateBus {
    /// Imports the original's checkpoint and/or transaction log into this bus (and so into its store's
    /// log, when it has one).
    ///
    /// Snapshot pages are created with their ids, sizes, locations (gpu and unified kept as flagged host
    /// memory), epochs, metadata and bytes, in id order. Log frames from the snapshot's log offset on are
    /// then applied in order as deltas with their original epochs and sources (the bus gives them new
    /// delta ids). A page the log writes but the snapshot lacks is created first, as large as the largest
    /// extent the log writes to it. The bus must not hold the ids being imported.
    /// - Parameters:
    ///   - snapshot: an `MMSBSNAP` checkpoint of the original, or `nil`.
    ///   - log: an `MMSBLOG1` transaction log of the original, or `nil`; applied from the snapshot's log
    ///     offset on when both are given.
    ///   - skipInvalid: skip and report frames the bus refuses (stale epochs, bounds) instead of
    ///     stopping at the first; the original's shared log files often mix several states.
    /// - Throws: ``LegacyFormatError/invalidDelta(offset:_:)`` for a refused frame (unless skipping),
    ///   ``PageError`` for pages that cannot be created, and the bus's log errors.
    @discardableResult
    public func importLegacy(snapshot: LegacySnapshot?, log: LegacyTransactionLog?, skipInvalid: Bool = false) throws -> LegacyImportReport {
        var report = LegacyImportReport()
        let logOffset = snapshot.map { Int(clamping: $0.logOffset) } ?? 0
        let entries = (log?.entries ?? []).filter { entry in
            guard entry.offset < logOffset else { return true }
            report.framesCoveredBySnapshot += 1
            return false
        }
        var pages: [(id: PageID, size: Int, location: PageLocation, epoch: Epoch, metadata: PageMetadata, data: [UInt8]?)] =
            (snapshot?.pages ?? []).map { ($0.id, $0.size, $0.location, $0.epoch, $0.metadata, $0.data) }
        report.snapshotPages = pages.count
        var extents: [PageID: Int] = [:]
        let known = Set(pages.map(\.id))
        for entry in entries where !known.contains(PageID(entry.pageID)) && entry.pageID != 0 {
            // A mask-built delta spans its whole mask, so the page must hold the mask's length.
            let extent = entry.writesNothing ? 0 : entry.mask.count
            if extent > 0 { extents[PageID(entry.pageID), default: 0] = max(extents[PageID(entry.pageID)] ?? 0, extent) }
        }
        for (id, size) in extents { pages.append((id, size, .cpu, .zero, PageMetadata(), nil)) }
        report.inferredPages = extents.count
        for page in pages.sorted(by: { $0.id < $1.id }) {
            _ = try createPage(id: page.id, size: page.size, location: page.location, metadata: page.metadata, enforcingDevicePolicy: false)
            if let data = page.data, !data.isEmpty {
                try apply(try Delta(page: page.id, epoch: page.epoch, offset: 0, bytes: data, source: .disk, intent: "import MMSBSNAP"))
            }
        }
        for entry in entries {
            do {
                guard let delta = try entry.deltaIfNonEmpty() else {
                    report.emptyFrames += 1
                    continue
                }
                try apply(delta)
                report.deltasApplied += 1
            } catch let error as DeltaError {
                guard skipInvalid else { throw LegacyFormatError.invalidDelta(offset: entry.offset, error) }
                report.rejected.append(.init(offset: entry.offset, reason: error.description))
            } catch let error as LegacyFormatError {
                guard skipInvalid else { throw error }
                report.rejected.append(.init(offset: entry.offset, reason: error.description))
            }
        }
        return report
    }
}
