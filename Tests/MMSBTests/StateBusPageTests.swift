#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MMSB
import Testing

@Suite struct StateBusPageTests {
    /// Whether every byte of the page is zero, checked a mebibyte at a time.
    static func isZeroFilled(_ bus: StateBus, _ page: PageID) throws -> Bool {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        return try bus.withUnsafeBytes(of: page) { bytes in
            zeros.withUnsafeBytes { zero in
                var offset = 0
                while offset < bytes.count {
                    let length = min(zero.count, bytes.count - offset)
                    if memcmp(bytes.baseAddress! + offset, zero.baseAddress!, length) != 0 { return false }
                    offset += length
                }
                return true
            }
        }
    }

    // MARK: Ids

    @Test func automaticIDsAreOneTwoThree() throws {
        let bus = StateBus()
        #expect(bus.nextPageID == 1)
        let ids = try (0..<3).map { _ in try bus.createPage(size: 16) }
        #expect(ids == [1, 2, 3])
        #expect(bus.nextPageID == 4)
        #expect(bus.pageCount == 3)
        for id in ids {
            let info = try bus.info(page: id)
            #expect(info.id == id)
            #expect(info.size == 16)
            #expect(info.location == .cpu)
            #expect(info.epoch == .zero)
            #expect(info.metadata.isEmpty)
            #expect(info.dirtyChunks == 0)
            #expect(try bus.read(page: id) == [UInt8](repeating: 0, count: 16))
        }
    }

    @Test func twoBusesAssignTheSameIDs() throws {
        let first = StateBus()
        let second = StateBus()
        let sizes = [1, 64, 65, 4_096, 4_097, 70_000, 3]
        let a = try sizes.map { try first.createPage(size: $0) }
        let b = try sizes.map { try second.createPage(size: $0) }
        #expect(a == b)
        #expect(first.pages() == second.pages())
    }

    @Test func chosenIDsAreKeptAndAutomaticIDsContinueAfterTheHighest() throws {
        let bus = StateBus()
        #expect(try bus.createPage(id: 10, size: 8) == 10)
        #expect(bus.nextPageID == 11)
        #expect(try bus.createPage(size: 8) == 11)
        #expect(try bus.createPage(id: 40, size: 8) == 40)
        #expect(try bus.createPage(id: 41, size: 8) == 41)
        #expect(try bus.createPage(size: 8) == 42)
        #expect(bus.nextPageID == 43)
        #expect(bus.pages().map(\.id) == [10, 11, 40, 41, 42])
    }

    @Test func chosenIDOfALivePageIsAlreadyExists() throws {
        let bus = StateBus()
        try bus.createPage(id: 5, size: 8)
        try bus.createPage(size: 8)  // 6
        #expect(throws: PageError.alreadyExists(5)) { try bus.createPage(id: 5, size: 8) }
        #expect(throws: PageError.alreadyExists(6)) { try bus.createPage(id: 6, size: 32) }
        #expect(bus.pageCount == 2)
        #expect(bus.nextPageID == 7)
    }

    @Test func idZeroIsInvalid() throws {
        let bus = StateBus()
        #expect(throws: PageError.invalidID(0)) { try bus.createPage(id: 0, size: 8) }
        #expect(throws: PageError.invalidID(0)) { try bus.createPage(id: PageID(0), size: 8, location: .cpu) }
        #expect(bus.pageCount == 0)
        #expect(bus.nextPageID == 1)
        #expect(!bus.contains(page: 0))
        #expect(throws: PageError.notFound(0)) { try bus.info(page: 0) }
    }

    @Test func deletedIDIsRetired() throws {
        let bus = StateBus()
        try bus.createPage(size: 8)
        try bus.createPage(size: 8)
        try bus.deletePage(2)
        #expect(throws: PageError.retiredID(2, next: 3)) { try bus.createPage(id: 2, size: 8) }
        try bus.deletePage(1)
        #expect(throws: PageError.retiredID(1, next: 3)) { try bus.createPage(id: 1, size: 8) }
        #expect(bus.pageCount == 0)
        #expect(try bus.createPage(size: 8) == 3)
    }

    @Test func idsSkippedByAHigherChosenIDAreRetired() throws {
        let bus = StateBus()
        try bus.createPage(id: 10, size: 8)
        #expect(throws: PageError.retiredID(1, next: 11)) { try bus.createPage(id: 1, size: 8) }
        #expect(throws: PageError.retiredID(9, next: 11)) { try bus.createPage(id: 9, size: 8) }
        #expect(throws: PageError.alreadyExists(10)) { try bus.createPage(id: 10, size: 8) }
        #expect(try bus.createPage(id: 11, size: 8) == 11)
        #expect(try bus.createPage(size: 8) == 12)
        #expect(bus.pages().map(\.id) == [10, 11, 12])
    }

    @Test func deletedIDsAreNeverReusedByAutomaticCreation() throws {
        let bus = StateBus()
        for _ in 0..<3 { try bus.createPage(size: 8) }
        try bus.deletePage(3)
        #expect(try bus.createPage(size: 8) == 4)
        for id: PageID in [1, 2, 4] { try bus.deletePage(id) }
        #expect(bus.pageCount == 0)
        #expect(try bus.createPage(size: 8) == 5)
        var seen: Set<PageID> = [1, 2, 3, 4, 5]
        for _ in 0..<200 {
            let id = try bus.createPage(size: 8)
            #expect(seen.insert(id).inserted, "id \(id) handed out twice")
            try bus.deletePage(id)
        }
        #expect(bus.nextPageID == 206)
    }

    /// The highest possible id leaves no "next id": it must still never be handed out twice.
    @Test func highestPossibleIDIsNotReusedAfterDelete() throws {
        let bus = StateBus()
        let last = PageID(UInt64.max)
        #expect(try bus.createPage(id: last, size: 8) == last)
        try bus.deletePage(last)
        #expect(throws: PageError.self) { try bus.createPage(id: last, size: 8) }
        #expect(!bus.contains(page: last))
        // Automatic ids must not fall below an id that was already used either.
        let next = try? bus.createPage(size: 8)
        #expect(next == nil || next! > last)
    }

    /// When the automatic ids run out, creation must fail rather than hand out a live id again.
    @Test func automaticIDsNeverDuplicateALivePageAtTheTopOfTheRange() throws {
        let bus = StateBus()
        try bus.createPage(id: PageID(UInt64.max - 1), size: 8)
        #expect(try bus.createPage(size: 8) == PageID(UInt64.max))
        #expect(throws: PageError.self) { try bus.createPage(size: 8) }
        let ids = bus.pages().map(\.id)
        #expect(ids == [PageID(UInt64.max - 1), PageID(UInt64.max)])
        #expect(bus.pageCount == 2)
        #expect(bus.memoryStatistics.liveBuffers == 2)
    }

    // MARK: Sizes

    static let invalidSizes = [0, -1, -4_096, Int.min, StateBus.maximumPageSize + 1, Int(UInt32.max) + 1, Int.max]

    @Test(arguments: invalidSizes)
    func invalidSizeIsRejected(size: Int) throws {
        let bus = StateBus()
        try bus.createPage(size: 8)
        let before = try StateBusSnapshot(bus)
        #expect(throws: PageError.invalidSize(size)) { try bus.createPage(size: size) }
        #expect(throws: PageError.invalidSize(size)) { try bus.createPage(id: 50, size: size) }
        #expect(throws: PageError.invalidSize(size)) { try bus.createPage(size: size, location: .cpu, metadata: ["k": [1]]) }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func maximumPageSizeIsOneGibibyte() {
        #expect(StateBus.maximumPageSize == 1 << 30)
    }

    @Test(arguments: [1, 2, 63, 64, 65, 4_095, 4_096, 4_097, 65_536, 65_537, 1 << 20])
    func validSizesAreZeroFilledAndExact(size: Int) throws {
        let bus = StateBus()
        let page = try bus.createPage(size: size)
        #expect(try bus.info(page: page).size == size)
        let bytes = try bus.read(page: page)
        #expect(bytes.count == size)
        #expect(bytes.allSatisfy { $0 == 0 })
        #expect(bus.memoryStatistics.bytesRequested == size)
        #expect(bus.memoryStatistics.liveBuffers == 1)
        #expect(bus.memoryStatistics.bytesReserved >= size)
        // The last byte is writable, one past it is not.
        try bus.write(page: page, offset: size - 1, bytes: [0xEE])
        #expect(try bus.read(page: page).last == 0xEE)
        #expect(throws: DeltaError.outOfBounds(page: page, end: size + 1, pageSize: size)) {
            try bus.write(page: page, offset: size, bytes: [1])
        }
    }

    @Test func largePagesAreZeroFilled() throws {
        let bus = StateBus()
        let mebibyte = try bus.createPage(size: 1 << 20)
        let large = try bus.createPage(size: 64 << 20 + 1)
        #expect(try bus.info(page: large).size == 64 << 20 + 1)
        #expect(try Self.isZeroFilled(bus, mebibyte))
        #expect(try Self.isZeroFilled(bus, large))
        try bus.write(page: large, offset: 64 << 20, bytes: [7])
        #expect(try bus.withUnsafeBytes(of: large) { $0[64 << 20] } == 7)
        #expect(bus.memoryStatistics.bytesRequested == (1 << 20) + (64 << 20) + 1)
        try bus.deletePage(large)
        #expect(bus.memoryStatistics.bytesRequested == 1 << 20)
        #expect(bus.memoryStatistics.liveBuffers == 1)
    }

    @Test func pageOfTheMaximumSizeCanBeCreated() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: StateBus.maximumPageSize)
        #expect(try bus.info(page: page).size == StateBus.maximumPageSize)
        // Touch only the two ends: the mapping is lazy.
        try bus.write(page: page, offset: StateBus.maximumPageSize - 2, bytes: [1, 2])
        #expect(try bus.withUnsafeBytes(of: page) { [$0[0], $0[StateBus.maximumPageSize - 2], $0[StateBus.maximumPageSize - 1]] } == [0, 1, 2])
        try bus.deletePage(page)
        #expect(bus.memoryStatistics.liveBuffers == 0)
        #expect(bus.memoryStatistics.bytesRequested == 0)
    }

    // MARK: Locations

    @Test(arguments: [PageLocation.gpu, .unified])
    func deviceLocationsAreRefusedByDefault(location: PageLocation) throws {
        let bus = StateBus()
        #expect(bus.configuration.deviceMemory == .refuse)
        #expect(throws: PageError.locationUnavailable(location)) { try bus.createPage(size: 16, location: location) }
        #expect(throws: PageError.locationUnavailable(location)) { try bus.createPage(id: 9, size: 16, location: location) }
        #expect(bus.pageCount == 0)
        #expect(bus.nextPageID == 1)
        #expect(bus.memoryStatistics.liveBuffers == 0)
        #expect(try bus.createPage(size: 16, location: .cpu) == 1)
    }

    @Test(arguments: [PageLocation.gpu, .unified, .cpu])
    func deviceLocationsAreEmulatedWhenAsked(location: PageLocation) throws {
        let bus = StateBus(configuration: .init(deviceMemory: .emulateInHostMemory))
        let page = try bus.createPage(size: 100, location: location)
        let chosen = try bus.createPage(id: 20, size: 10, location: location)
        #expect(try bus.info(page: page).location == location)
        #expect(try bus.info(page: chosen).location == location)
        #expect(bus.pages().map(\.location) == [location, location])
        #expect(try bus.read(page: page) == [UInt8](repeating: 0, count: 100))
        let receipt = try bus.write(page: page, offset: 98, bytes: [1, 2])
        #expect(receipt.epoch == 1)
        #expect(try bus.read(page: page).suffix(2) == [1, 2])
    }

    @Test func invalidSizeOnARefusedLocationCreatesNothing() throws {
        // Both size and location are wrong; the documentation names no order, so either error will do.
        let bus = StateBus()
        #expect {
            try bus.createPage(size: 0, location: .gpu)
        } throws: { error in
            error as? PageError == .invalidSize(0) || error as? PageError == .locationUnavailable(.gpu)
        }
        #expect(bus.pageCount == 0)
        #expect(bus.nextPageID == 1)
    }

    // MARK: Delete and memory

    @Test func deleteReturnsMemory() throws {
        let bus = StateBus()
        let sizes = [10, 100, 5_000, 70_000, 1 << 20]
        let pages = try sizes.map { try bus.createPage(size: $0) }
        var memory = bus.memoryStatistics
        #expect(memory.liveBuffers == sizes.count)
        #expect(memory.bytesRequested == sizes.reduce(0, +))
        for (page, size) in zip(pages, sizes).reversed() {
            try bus.deletePage(page)
            let after = bus.memoryStatistics
            #expect(after.liveBuffers == memory.liveBuffers - 1)
            #expect(after.bytesRequested == memory.bytesRequested - size)
            #expect(after.bytesReserved <= memory.bytesReserved - size)
            memory = after
        }
        #expect(memory.liveBuffers == 0)
        #expect(memory.bytesRequested == 0)
        #expect(memory.bytesReserved == 0)
        #expect(bus.pageCount == 0)
    }

    @Test func largePageMappingIsReturnedOnDelete() throws {
        let bus = StateBus()
        try bus.createPage(size: 8)
        let before = bus.memoryStatistics.bytesMapped
        let page = try bus.createPage(size: 8 << 20)
        #expect(bus.memoryStatistics.bytesMapped >= before + (8 << 20))
        try bus.deletePage(page)
        #expect(bus.memoryStatistics.bytesMapped == before)
    }

    @Test(arguments: [100, 4_000, 10_000, 65_536, 200_000])
    func createDeleteCyclesReuseMemory(size: Int) throws {
        let bus = StateBus()
        // Warm up: as many pages at once as the cycles below ever hold.
        let warm = try (0..<4).map { _ in try bus.createPage(size: size) }
        let peak = bus.memoryStatistics.bytesMapped
        for page in warm { try bus.deletePage(page) }
        let mapped = bus.memoryStatistics.bytesMapped
        let bookkeeping = bus.memoryStatistics.bookkeepingBytes
        if size <= 65_536 {
            #expect(mapped == peak)  // slab memory is kept for reuse
        } else {
            #expect(mapped <= peak - 4 * size)  // own mappings are returned
        }
        for cycle in 0..<300 {
            let pages = try (0..<(1 + cycle % 4)).map { _ in try bus.createPage(size: size) }
            #expect(bus.memoryStatistics.bytesMapped <= peak)
            for page in pages { try bus.deletePage(page) }
            #expect(bus.memoryStatistics.bytesMapped == mapped)
        }
        #expect(bus.memoryStatistics.bookkeepingBytes == bookkeeping)
        #expect(bus.memoryStatistics.liveBuffers == 0)
        #expect(bus.memoryStatistics.bytesRequested == 0)
    }

    @Test(arguments: [(100, 100), (100, 128), (128, 100), (5_000, 8_000), (70_000, 70_000)])
    func reusedMemoryIsZeroFilled(first: Int, second: Int) throws {
        let bus = StateBus()
        let page = try bus.createPage(size: first)
        try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: 0xAB, count: first))
        try bus.deletePage(page)
        let fresh = try bus.createPage(size: second)
        #expect(try bus.read(page: fresh) == [UInt8](repeating: 0, count: second))
        #expect(try bus.info(page: fresh).epoch == .zero)
        #expect(try bus.dirtyRanges(of: fresh) == [])
        #expect(try bus.metadata(of: fresh).isEmpty)
    }

    @Test func deletedPageIsGoneEverywhere() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 32, metadata: ["a": [1]])
        try bus.write(page: page, offset: 0, bytes: [1])
        try bus.deletePage(page)
        #expect(!bus.contains(page: page))
        #expect(bus.pages().isEmpty)
        #expect(throws: PageError.notFound(page)) { try bus.deletePage(page) }
        #expect(throws: PageError.notFound(page)) { try bus.info(page: page) }
        #expect(throws: PageError.notFound(page)) { try bus.read(page: page) }
        #expect(throws: PageError.notFound(page)) { try bus.withUnsafeBytes(of: page) { $0.count } }
        #expect(throws: PageError.notFound(page)) { try bus.metadata(of: page) }
        #expect(throws: PageError.notFound(page)) { try bus.setMetadata(["b": [2]], of: page) }
        #expect(throws: PageError.notFound(page)) { try bus.setMetadata([2], forKey: "b", of: page) }
        #expect(throws: PageError.notFound(page)) { try bus.dirtyRanges(of: page) }
        #expect(throws: PageError.notFound(page)) { try bus.clearDirty(page: page) }
        #expect(throws: DeltaError.pageNotFound(page)) { try bus.write(page: page, offset: 0, bytes: [1]) }
    }

    @Test func deletingAnUnknownPageIsNotFound() throws {
        let bus = StateBus()
        try bus.createPage(size: 8)
        let before = try StateBusSnapshot(bus)
        #expect(throws: PageError.notFound(2)) { try bus.deletePage(2) }
        #expect(throws: PageError.notFound(0)) { try bus.deletePage(0) }
        #expect(throws: PageError.notFound(PageID(UInt64.max))) { try bus.deletePage(PageID(UInt64.max)) }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func otherPagesSurviveADelete() throws {
        let bus = StateBus()
        let pages = try (0..<20).map { index in try bus.createPage(size: 10 + index * 37) }
        for (index, page) in pages.enumerated() {
            try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: UInt8(index + 1), count: 10 + index * 37))
        }
        for page in pages where page.rawValue % 3 == 0 { try bus.deletePage(page) }
        // New pages reuse freed slots and memory; the survivors keep their bytes.
        for _ in 0..<6 { try bus.createPage(size: 40) }
        for (index, page) in pages.enumerated() where page.rawValue % 3 != 0 {
            #expect(try bus.read(page: page) == [UInt8](repeating: UInt8(index + 1), count: 10 + index * 37))
            #expect(try bus.info(page: page).epoch == 1)
        }
        #expect(bus.pageCount == 20 - 6 + 6)
        #expect(bus.memoryStatistics.liveBuffers == 20)
    }

    // MARK: Listing

    /// Chosen ids can only go up (lower ones are retired), so creation order is shuffled by
    /// attempting ids in random order (the retired ones are refused) and the slot order is
    /// shuffled by deleting pages in random order and creating new ones into the freed slots.
    @Test func pagesAreSortedByIDWhateverTheCreationOrder() throws {
        var generator = SplitMix64(seed: 42)
        let bus = StateBus()
        var live: Set<PageID> = []
        for id in (1...400).map({ PageID(UInt64($0) * 7) }).shuffled(using: &generator) {
            if id >= (try #require(bus.nextPageID)) {
                try bus.createPage(id: id, size: Int(id.rawValue % 50) + 1)
                live.insert(id)
            } else {
                #expect(throws: PageError.retiredID(id, next: bus.nextPageID)) { try bus.createPage(id: id, size: 1) }
            }
        }
        for _ in 0..<40 { live.insert(try bus.createPage(size: 2)) }
        #expect(bus.pages().map(\.id) == live.sorted())
        for round in 0..<5 {
            for id in live.sorted().shuffled(using: &generator).prefix(25) {
                try bus.deletePage(id)
                live.remove(id)
            }
            for index in 0..<20 {
                if index % 2 == 0 {
                    live.insert(try bus.createPage(size: 3 + round))
                } else {
                    let id = PageID(try #require(bus.nextPageID).rawValue + UInt64.random(in: 0...5, using: &generator))
                    live.insert(try bus.createPage(id: id, size: 4))
                }
            }
            let listed = bus.pages()
            #expect(listed.map(\.id) == live.sorted())
            #expect(listed.count == bus.pageCount)
            for info in listed { #expect(try bus.info(page: info.id) == info) }
        }
    }

    @Test func pagesInFreedSlotsAreListedInIDOrder() throws {
        let bus = StateBus()
        for size in 1...10 { try bus.createPage(size: size) }
        for id: PageID in [3, 7, 5] { try bus.deletePage(id) }
        let reused = try (0..<3).map { _ in try bus.createPage(size: 64) }
        #expect(reused == [11, 12, 13])
        let listed = bus.pages()
        #expect(listed.map(\.id) == [1, 2, 4, 6, 8, 9, 10, 11, 12, 13])
        #expect(listed.map(\.size) == [1, 2, 4, 6, 8, 9, 10, 64, 64, 64])
    }

    @Test func infoReportsEverything() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 200, metadata: ["name": Array("x".utf8)])
        try bus.write(page: page, offset: 60, bytes: [1, 2, 3, 4, 5])
        let info = try bus.info(page: page)
        #expect(info.id == page)
        #expect(info.size == 200)
        #expect(info.location == .cpu)
        #expect(info.epoch == 1)
        #expect(info.metadata == ["name": Array("x".utf8)])
        #expect(info.dirtyChunks == 2)
        #expect(bus.pages() == [info])
    }

    // MARK: Metadata

    @Test func metadataIsStoredAndReplaced() throws {
        let bus = StateBus()
        let metadata: PageMetadata = ["name": Array("quickstart".utf8), "kind": [1, 2]]
        let page = try bus.createPage(size: 16, metadata: metadata)
        let plain = try bus.createPage(size: 16)
        #expect(try bus.metadata(of: page) == metadata)
        #expect(try bus.metadata(of: page).keys == ["name", "kind"])
        #expect(try bus.metadata(of: plain).isEmpty)
        #expect(try bus.info(page: page).metadata == metadata)

        try bus.setMetadata(["other": [9]], of: page)
        #expect(try bus.metadata(of: page) == ["other": [9]])
        try bus.setMetadata(PageMetadata(), of: page)
        #expect(try bus.metadata(of: page).isEmpty)
        #expect(try bus.metadata(of: plain).isEmpty)
    }

    @Test func metadataKeysAreSetMovedAndRemoved() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 16, metadata: ["a": [1], "b": [2]])
        try bus.setMetadata([3], forKey: "c", of: page)
        #expect(try bus.metadata(of: page).keys == ["a", "b", "c"])
        try bus.setMetadata([10], forKey: "a", of: page)
        #expect(try bus.metadata(of: page).keys == ["b", "c", "a"])
        #expect(try bus.metadata(of: page)["a"] == [10])
        try bus.setMetadata(nil, forKey: "b", of: page)
        #expect(try bus.metadata(of: page).keys == ["c", "a"])
        try bus.setMetadata(nil, forKey: "missing", of: page)
        #expect(try bus.metadata(of: page).keys == ["c", "a"])
        try bus.setMetadata(nil, forKey: "c", of: page)
        try bus.setMetadata(nil, forKey: "a", of: page)
        #expect(try bus.metadata(of: page).isEmpty)
        try bus.setMetadata([], forKey: "empty-value", of: page)
        #expect(try bus.metadata(of: page)["empty-value"] == [])
        #expect(try bus.metadata(of: page).count == 1)
    }

    @Test func metadataChangesNeitherEpochNorBytesNorDeltaIDs() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 16)
        try bus.write(page: page, offset: 0, bytes: [1, 2, 3])
        try bus.clearDirty(page: page)
        let bytes = try bus.read(page: page)
        try bus.setMetadata(["k": [1]], of: page)
        try bus.setMetadata([2], forKey: "j", of: page)
        try bus.setMetadata(nil, forKey: "k", of: page)
        let info = try bus.info(page: page)
        #expect(info.epoch == 1)
        #expect(info.dirtyChunks == 0)
        #expect(info.metadata == ["j": [2]])
        #expect(try bus.read(page: page) == bytes)
        #expect(bus.nextDeltaID == 2)
    }

    @Test func metadataIsPerPageAndDroppedOnDelete() throws {
        let bus = StateBus()
        let first = try bus.createPage(size: 8, metadata: ["p": [1]])
        let second = try bus.createPage(size: 8, metadata: ["p": [2]])
        try bus.setMetadata([3], forKey: "q", of: first)
        #expect(try bus.metadata(of: second) == ["p": [2]])
        try bus.deletePage(first)
        let third = try bus.createPage(size: 8)  // reuses the first page's slot
        #expect(try bus.metadata(of: third).isEmpty)
        #expect(try bus.metadata(of: second) == ["p": [2]])
    }

    // MARK: Contains

    @Test func containsFollowsCreateAndDelete() throws {
        let bus = StateBus()
        #expect(!bus.contains(page: 1))
        #expect(!bus.contains(page: 0))
        let page = try bus.createPage(size: 4)
        #expect(bus.contains(page: page))
        #expect(!bus.contains(page: 2))
        try bus.createPage(id: 1_000, size: 4)
        #expect(bus.contains(page: 1_000))
        try bus.deletePage(page)
        #expect(!bus.contains(page: page))
        #expect(bus.contains(page: 1_000))
    }

    // MARK: Failures change nothing

    @Test func failedPageOperationsChangeNothing() throws {
        let bus = StateBus()
        let a = try bus.createPage(size: 100, metadata: ["a": [1]])
        let b = try bus.createPage(id: 10, size: 5_000)
        try bus.write(page: a, offset: 3, bytes: [1, 2, 3])
        try bus.write(page: b, offset: 4_500, bytes: [9, 9])
        try bus.deletePage(try bus.createPage(size: 7))  // retires 11
        let before = try StateBusSnapshot(bus)
        let metadataBefore = try [bus.metadata(of: a), bus.metadata(of: b)]

        #expect(throws: PageError.invalidSize(0)) { try bus.createPage(size: 0) }
        #expect(throws: PageError.invalidSize(-5)) { try bus.createPage(id: 20, size: -5) }
        #expect(throws: PageError.invalidSize(StateBus.maximumPageSize + 1)) {
            try bus.createPage(size: StateBus.maximumPageSize + 1)
        }
        #expect(throws: PageError.locationUnavailable(.gpu)) { try bus.createPage(size: 8, location: .gpu) }
        #expect(throws: PageError.locationUnavailable(.unified)) { try bus.createPage(id: 30, size: 8, location: .unified) }
        #expect(throws: PageError.alreadyExists(10)) { try bus.createPage(id: 10, size: 8, metadata: ["x": [1]]) }
        #expect(throws: PageError.alreadyExists(a)) { try bus.createPage(id: a, size: 100) }
        #expect(throws: PageError.invalidID(0)) { try bus.createPage(id: 0, size: 8) }
        #expect(throws: PageError.retiredID(11, next: 12)) { try bus.createPage(id: 11, size: 8) }
        #expect(throws: PageError.retiredID(5, next: 12)) { try bus.createPage(id: 5, size: 8) }
        #expect(throws: PageError.notFound(11)) { try bus.deletePage(11) }
        #expect(throws: PageError.notFound(99)) { try bus.setMetadata(["z": [1]], of: 99) }
        #expect(throws: PageError.notFound(99)) { try bus.setMetadata([1], forKey: "z", of: 99) }
        #expect(throws: PageError.notFound(99)) { try bus.clearDirty(page: 99) }

        #expect(try StateBusSnapshot(bus) == before)
        #expect(try [bus.metadata(of: a), bus.metadata(of: b)] == metadataBefore)
        #expect(try bus.createPage(size: 8) == 12)
    }
}
