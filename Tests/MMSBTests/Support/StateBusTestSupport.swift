import MMSB

/// Everything observable about a bus, to prove that a failed call changed nothing.
///
/// Shared by the `StateBus…Tests` suites.
struct StateBusSnapshot: Equatable, CustomStringConvertible {
    var pages: [PageInfo]
    var bytes: [[UInt8]]
    var dirty: [[Range<Int>]]
    var nextPageID: PageID?
    var nextDeltaID: DeltaID
    var pageCount: Int
    var liveBuffers: Int
    var bytesRequested: Int
    var bytesReserved: Int

    init(_ bus: StateBus) throws {
        pages = bus.pages()
        bytes = try pages.map { try bus.read(page: $0.id) }
        dirty = try pages.map { try bus.dirtyRanges(of: $0.id) }
        nextPageID = bus.nextPageID
        nextDeltaID = bus.nextDeltaID
        pageCount = bus.pageCount
        let memory = bus.memoryStatistics
        liveBuffers = memory.liveBuffers
        bytesRequested = memory.bytesRequested
        bytesReserved = memory.bytesReserved
    }

    var description: String {
        "\(pages.count) pages \(pages.map(\.description)), next page \(nextPageID.map(\.description) ?? "none"), next delta \(nextDeltaID), "
            + "\(liveBuffers) live buffers, \(bytesRequested) B requested"
    }
}

/// A receipt's fields, comparable with expected values (receipts themselves are made only by the bus).
struct StateBusReceipt: Equatable {
    var delta: DeltaID
    var page: PageID
    var epoch: Epoch

    init(delta: DeltaID, page: PageID, epoch: Epoch) {
        self.delta = delta
        self.page = page
        self.epoch = epoch
    }

    init?(_ receipt: WriteReceipt?) {
        guard let receipt else { return nil }
        self.init(delta: receipt.delta, page: receipt.page, epoch: receipt.epoch)
    }
}
