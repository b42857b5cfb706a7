@_spi(BlockAccess) import MMSBKV
import Testing

private func layout(_ kind: LayoutKind, blocks: Int = 4) throws -> BlockLayout {
    try BlockLayout(
        config: LayoutConfiguration(numBlocks: blocks, numLayers: 3, outerDim: 2, pageSize: 4, innerDim: 16, dtypeWidthBytes: 2), kind: kind)
}

/// Views: in place on host memory, mutable only through a writer.
@Suite struct KVLayoutViewTests {
    @Test func mutableLayerViewWritesWhatReadersSee() throws {
        let set = try BlockSet.system(layout(.layerSeparate(outerContiguous: true)))
        var writer = try set.writer(block: 2)
        var view = try writer.mutableLayerView(layer: 1, outer: 1)
        view.fill(0xAB)
        view.withUnsafeMutableBytes { $0[0] = 7 }
        #expect(view.count == 128)
        let reader = writer.freeze()
        let seen = try reader.layerView(layer: 1, outer: 1).bytes
        #expect(seen[0] == 7 && seen[1...].allSatisfy { $0 == 0xAB })
        #expect(try reader.layerView(layer: 0, outer: 1).bytes.allSatisfy { $0 == 0 })
        #expect(try set.reader(block: 1).layerView(layer: 1, outer: 1).bytes.allSatisfy { $0 == 0 })
        // The packed copy puts the region at (layer 1 × 2 + outer 1) × 128.
        let packed = try reader.bytes()
        #expect(packed.count == 768 && packed[384] == 7 && packed[385] == 0xAB && packed[383] == 0)
    }

    @Test func mutableBlockViewOnFullyContiguousBlocks() throws {
        let set = try BlockSet.pinned(layout(.fullyContiguous))
        var writer = try set.writer(block: 3)
        var view = try writer.mutableBlockView()
        view.withUnsafeMutableBytes { bytes in for index in bytes.indices { bytes[index] = UInt8(index % 251) } }
        #expect(try set.reader(block: 3).blockView().bytes == (0..<768).map { UInt8($0 % 251) })
        #expect(try set.reader(block: 3).layerView(layer: 2, outer: 1).bytes == (640..<768).map { UInt8($0 % 251) })
    }

    @Test func blockViewNeedsAFullyContiguousLayout() throws {
        let set = try BlockSet.system(layout(.layerSeparate(outerContiguous: false)))
        #expect(throws: BlockDataError.notFullyContiguous(.layerSeparate(outerContiguous: false))) { try set.reader(block: 0).blockView() }
        var writer = try set.writer(block: 0)
        #expect(throws: BlockDataError.notFullyContiguous(.layerSeparate(outerContiguous: false))) { _ = try writer.mutableBlockView() }
    }

    @Test func viewsNeedHostMemory() throws {
        let device = try BlockSet.simulatedDevice(layout(.fullyContiguous), ordinal: 1)
        #expect(throws: BlockDataError.viewsNotAvailable(.device(ordinal: 1))) { try device.reader(block: 0).blockView() }
        var writer = try device.writer(block: 0)
        #expect(throws: BlockDataError.viewsNotAvailable(.device(ordinal: 1))) { _ = try writer.mutableLayerView(layer: 0, outer: 0) }
        let null = try BlockSet.null(layout(.fullyContiguous))
        #expect(throws: BlockDataError.viewsNotAvailable(.null)) { try null.reader(block: 0).layerView(layer: 0, outer: 0) }
        // Copies work on every storage.
        try writer.fill(5)
        #expect(try writer.reader.bytes().allSatisfy { $0 == 5 })
    }

    @Test func viewIndexErrors() throws {
        let set = try BlockSet.system(layout(.fullyContiguous))
        #expect(throws: BlockDataError.layout(.invalidBlockIndex(4, count: 4))) { try set.reader(block: 4) }
        #expect(throws: BlockDataError.layout(.invalidBlockIndex(9, count: 4))) { _ = try set.writer(block: 9) }
        #expect(throws: BlockDataError.layout(.invalidLayerIndex(3, count: 3))) { try set.reader(block: 0).layerView(layer: 3, outer: 0) }
        #expect(throws: BlockDataError.layout(.invalidOuterIndex(2, count: 2))) { try set.reader(block: 0).layerView(layer: 0, outer: 2) }
        var writer = try set.writer(block: 0)
        #expect(throws: BlockDataError.wrongByteCount(count: 5, expected: 768)) { try writer.write([1, 2, 3, 4, 5]) }
    }

    @Test func blockSetChecksTheStorage() throws {
        let big = try layout(.fullyContiguous, blocks: 8)
        #expect(throws: BlockDataError.storageTooSmall(required: 8 * 768, available: 100)) {
            try BlockSet(layout: big, storage: SystemStorage(byteCount: 100))
        }
        let aligned = try BlockLayout(
            config: LayoutConfiguration(numBlocks: 2, numLayers: 1, outerDim: 1, pageSize: 1, innerDim: 1, alignment: 1 << 20), kind: .fullyContiguous)
        #expect(throws: BlockDataError.storageMisaligned(required: 1 << 20, available: 4096)) {
            try BlockSet(layout: aligned, storage: SystemStorage(byteCount: 1 << 21))
        }
        let set = try BlockSet.system(aligned)
        #expect(set.storage.alignment >= 1 << 20)
        #expect(try Int(bitPattern: set.reader(block: 1).blockView().withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }) % (1 << 20) == 0)
    }
}
