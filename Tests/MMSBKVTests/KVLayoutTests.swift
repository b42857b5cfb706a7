@_spi(BlockAccess) import MMSBKV
import Testing

/// The reference test configuration of spec §1.6: 3 layers, outer 2, page 4, inner 16, 2-byte dtype.
private func referenceConfig(blocks: Int = 4, alignment: Int = 1) throws -> LayoutConfiguration {
    try LayoutConfiguration(numBlocks: blocks, numLayers: 3, outerDim: 2, pageSize: 4, innerDim: 16, alignment: alignment, dtypeWidthBytes: 2)
}

@Suite struct KVLayoutTests {
    @Test func workedExampleOfTheSpec() throws {
        let layout = try BlockLayout(config: referenceConfig(), kind: .fullyContiguous)
        #expect(layout.regionSize == 128)
        #expect(layout.outerStride == 128 && layout.layerStride == 256 && layout.blockStride == 768)
        #expect(try layout.regionOffset(block: 1, layer: 2, outer: 1) == 1408)
        #expect(layout.requiredBytes == 4 * 768)
        #expect(try layout.blockRange(1) == 768..<1536)
    }

    @Test func blockViewCoversEveryLayerAndOuterIndex() throws {
        // Dynamo's indexed block_view used region × layers (384 B here) and so missed half of each
        // K/V block; the fixed size is layers × outer × region.
        let layout = try BlockLayout(config: referenceConfig(), kind: .fullyContiguous)
        #expect(layout.blockDataSize == 3 * 2 * 128)
        let set = try BlockSet.system(layout)
        #expect(try set.reader(block: 2).blockView().count == 768)
    }

    @Test func alignmentPadsTheBlockStride() throws {
        let layout = try BlockLayout(config: referenceConfig(blocks: 3, alignment: 512), kind: .fullyContiguous)
        #expect(layout.blockStride == 1024)
        #expect(layout.requiredBytes == 2 * 1024 + 768)
        #expect(try layout.regionOffset(block: 2, layer: 0, outer: 0) == 2048)
    }

    @Test func layerSeparateOuterContiguousStrides() throws {
        let layout = try BlockLayout(config: referenceConfig(blocks: 5, alignment: 64), kind: .layerSeparate(outerContiguous: true))
        #expect(layout.blockStride == 128)
        #expect(layout.outerStride == 128 * 5)
        #expect(layout.layerStride == 4096)  // 2 × 640 B rounded up to the 4 KiB layer-array granule
        #expect(layout.requiredBytes == 3 * 4096)
        #expect(try layout.regionOffset(block: 3, layer: 2, outer: 1) == 2 * 4096 + 640 + 3 * 128)
        #expect(!layout.isFullyContiguous)
    }

    @Test func layerSeparateBlockContiguousStrides() throws {
        let layout = try BlockLayout(config: referenceConfig(blocks: 5, alignment: 512), kind: .layerSeparate(outerContiguous: false))
        #expect(layout.outerStride == 128)
        #expect(layout.blockStride == 512)
        #expect(layout.layerStride == 4096)
        #expect(try layout.regionOffset(block: 4, layer: 1, outer: 1) == 4096 + 4 * 512 + 128)
    }

    @Test(arguments: [LayoutKind.fullyContiguous, .layerSeparate(outerContiguous: true), .layerSeparate(outerContiguous: false)])
    func everyRegionIsInBoundsAlignedAndDisjoint(kind: LayoutKind) throws {
        for blocks in [1, 2, 7] {
            for alignment in [1, 8, 256] {
                for outer in [1, 2] {
                    let config = try LayoutConfiguration(
                        numBlocks: blocks, numLayers: 3, outerDim: outer, pageSize: 3, innerDim: 5, alignment: alignment, dtypeWidthBytes: 2)
                    let layout = try BlockLayout(config: config, kind: kind)
                    var ranges: [Range<Int>] = []
                    for block in 0..<blocks {
                        for layer in 0..<3 {
                            for o in 0..<outer {
                                let offset = try layout.regionOffset(block: block, layer: layer, outer: o)
                                ranges.append(offset..<(offset + layout.regionSize))
                            }
                        }
                        if kind == .fullyContiguous { #expect(try layout.blockRange(block).lowerBound % alignment == 0) }
                    }
                    ranges.sort { $0.lowerBound < $1.lowerBound }
                    #expect(ranges.first!.lowerBound >= 0 && ranges.last!.upperBound <= layout.requiredBytes)
                    for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound <= b.lowerBound) }
                    #expect(ranges.count == blocks * 3 * outer)
                }
            }
        }
    }

    @Test func indexErrorsNameTheIndexAndTheCount() throws {
        let layout = try BlockLayout(config: referenceConfig(), kind: .fullyContiguous)
        #expect(throws: LayoutError.invalidBlockIndex(4, count: 4)) { try layout.regionOffset(block: 4, layer: 0, outer: 0) }
        #expect(throws: LayoutError.invalidBlockIndex(-1, count: 4)) { try layout.regionOffset(block: -1, layer: 0, outer: 0) }
        #expect(throws: LayoutError.invalidLayerIndex(3, count: 3)) { try layout.regionOffset(block: 0, layer: 3, outer: 0) }
        #expect(throws: LayoutError.invalidOuterIndex(2, count: 2)) { try layout.regionOffset(block: 0, layer: 0, outer: 2) }
        #expect(LayoutError.invalidLayerIndex(3, count: 3).description.contains("layer index 3"))
    }

    @Test func configValidation() {
        func field(_ body: () throws -> LayoutConfiguration) -> String? {
            do { _ = try body(); return nil } catch let error as LayoutError {
                if case .invalidConfiguration(let field, _, _) = error { return field }
                return "other"
            } catch { return "other" }
        }
        #expect(field { try LayoutConfiguration(numBlocks: 0, numLayers: 1, outerDim: 1, pageSize: 1, innerDim: 1) } == "numBlocks")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 0, outerDim: 1, pageSize: 1, innerDim: 1) } == "numLayers")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 3, pageSize: 1, innerDim: 1) } == "outerDim")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 0, pageSize: 1, innerDim: 1) } == "outerDim")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 1, pageSize: 0, innerDim: 1) } == "pageSize")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 1, pageSize: 1, innerDim: 0) } == "innerDim")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 1, pageSize: 1, innerDim: 1, alignment: 24) } == "alignment")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 1, pageSize: 1, innerDim: 1, dtypeWidthBytes: 0) } == "dtypeWidthBytes")
        #expect(field { try LayoutConfiguration(numBlocks: 1, numLayers: 1, outerDim: 2, pageSize: 16, innerDim: 128, alignment: 4096) } == nil)
        #expect(throws: LayoutError.tooLarge) {
            try LayoutConfiguration(numBlocks: Int.max / 2, numLayers: 128, outerDim: 2, pageSize: 1024, innerDim: 1024)
        }
        #expect(DType.bf16.byteWidth == 2 && DType.fp32.byteWidth == 4 && DType.int64.byteWidth == 8)
    }

    @Test func copyRunsMergeAdjacentRegions() throws {
        let config = try referenceConfig()
        let contiguous = try BlockLayout(config: config, kind: .fullyContiguous)
        let outerFirst = try BlockLayout(config: config, kind: .layerSeparate(outerContiguous: true))
        let blockFirst = try BlockLayout(config: config, kind: .layerSeparate(outerContiguous: false))
        func runs(_ a: BlockLayout, _ b: BlockLayout) throws -> [[Int]] {
            var runs: [[Int]] = []
            try a.forEachCopyRun(block: 1, to: b, block: 2) { (s, d, n) throws(BlockDataError) in runs.append([s, d, n]) }
            return runs
        }
        #expect(try runs(contiguous, contiguous) == [[768, 1536, 768]])
        #expect(try runs(contiguous, blockFirst).count == 3)   // K and V of a layer are adjacent on both sides
        #expect(try runs(contiguous, outerFirst).count == 6)   // every region on its own
        #expect(try runs(outerFirst, outerFirst).count == 6)
        let other = try BlockLayout(config: LayoutConfiguration(numBlocks: 4, numLayers: 3, outerDim: 1, pageSize: 4, innerDim: 16), kind: .fullyContiguous)
        #expect(throws: BlockDataError.self) { try runs(contiguous, other) }
        #expect(throws: BlockDataError.layout(.invalidBlockIndex(2, count: 1))) {
            let single = try BlockLayout(config: referenceConfig(blocks: 1), kind: .fullyContiguous)
            _ = try runs(contiguous, single)
        }
    }
}
