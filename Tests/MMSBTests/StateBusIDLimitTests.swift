import MMSB
import Testing

/// The edges of the id and offset ranges: nothing wraps around.
@Suite struct StateBusIDLimitTests {
    @Test func automaticIDsRunOutWithATypedError() throws {
        let bus = StateBus()
        try bus.createPage(id: PageID(UInt64.max), size: 8)
        #expect(bus.nextPageID == nil)
        #expect(throws: PageError.idsExhausted) { try bus.createPage(size: 8) }
        #expect(bus.pageCount == 1)
    }

    @Test func theLastIDIsRetiredAfterDelete() throws {
        let bus = StateBus()
        let last = PageID(UInt64.max)
        try bus.createPage(id: last, size: 8)
        try bus.deletePage(last)
        #expect(throws: PageError.retiredID(last, next: nil)) { try bus.createPage(id: last, size: 8) }
        #expect(PageError.retiredID(last, next: nil).description.contains("every id has been used"))
        #expect(bus.pageCount == 0)
        #expect(bus.memoryStatistics.liveBuffers == 0)
    }

    @Test func outOfBoundsEndSaturatesInsteadOfWrapping() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 16)
        #expect(throws: DeltaError.outOfBounds(page: page, end: .max, pageSize: 16)) {
            try bus.write(page: page, offset: .max - 1, bytes: [1, 2, 3])
        }
        var batch = WriteBatch()
        batch.write(page: page, offset: .max, bytes: [1])
        #expect(throws: DeltaError.rejectedInBatch(index: 0, cause: .outOfBounds(page: page, end: .max, pageSize: 16))) {
            try bus.apply(batch)
        }
        #expect(try bus.info(page: page).epoch == .zero)
    }
}
