/// The stride maths of a ``LayoutConfiguration`` arranged as a ``LayoutKind``: where each memory region
/// of each block lies in a storage of ``requiredBytes`` bytes.
///
/// Strides (spec §1.6; `region` = ``LayoutConfiguration/regionSize``, `align` rounds up to the alignment):
///
/// | Kind | outer stride | layer stride | block stride |
/// |---|---|---|---|
/// | fully contiguous | region | region × outerDim | align(region × outerDim × numLayers) |
/// | layer separate, outer contiguous | block stride × numBlocks | layer allocation | align(region) |
/// | layer separate, block contiguous | region | layer allocation | align(region × outerDim) |
///
/// Dynamo gives each layer of a layer-separate layout its own allocation; here the layers' arrays
/// sit one after another in one storage, each starting on a multiple of
/// max(alignment, 4096) bytes, so one storage (one file, one mapping) serves every layout and every
/// layer array stays aligned for `O_DIRECT`. Offsets are relative to the storage's first data
/// byte, which every storage aligns to at least 4096 bytes and the layout's alignment, so the
/// base-address slack Dynamo adds (`alignment − 1` bytes) is not needed.
public struct BlockLayout: Hashable, Sendable, CustomStringConvertible {
    /// The validated shape.
    public let config: LayoutConfiguration
    /// The arrangement.
    public let kind: LayoutKind
    /// Distance in bytes between outer index *o* and *o + 1* of the same block and layer.
    public let outerStride: Int
    /// Distance in bytes between layer *l* and *l + 1* of the same block and outer index.
    public let layerStride: Int
    /// Distance in bytes between block *b* and *b + 1* of the same layer and outer index.
    public let blockStride: Int
    /// Bytes a storage must hold for this layout.
    public let requiredBytes: Int

    /// The layout of `config` arranged as `kind`.
    ///
    /// - Throws: ``LayoutError/tooLarge`` when the sizes overflow.
    public init(config: LayoutConfiguration, kind: LayoutKind) throws(LayoutError) {
        self.config = config
        self.kind = kind
        let region = config.regionSize
        let align = config.alignment
        switch kind {
        case .fullyContiguous:
            outerStride = region
            layerStride = region * config.outerDim
            let natural = layerStride * config.numLayers
            blockStride = try Self.alignUp(natural, align)
            let body = try LayoutConfiguration.multiply(config.numBlocks - 1, blockStride)
            requiredBytes = try Self.add(body, natural)
        case .layerSeparate(let outerContiguous):
            let layerBytes: Int
            if outerContiguous {
                blockStride = try Self.alignUp(region, align)
                outerStride = try LayoutConfiguration.multiply(blockStride, config.numBlocks)
                layerBytes = try LayoutConfiguration.multiply(outerStride, config.outerDim)
            } else {
                outerStride = region
                blockStride = try Self.alignUp(region * config.outerDim, align)
                layerBytes = try LayoutConfiguration.multiply(blockStride, config.numBlocks)
            }
            layerStride = try Self.alignUp(layerBytes, max(align, Self.layerArrayAlignment))
            requiredBytes = try LayoutConfiguration.multiply(layerStride, config.numLayers)
        }
    }

    /// Each layer array of a layer-separate layout starts on a multiple of this many bytes (or of
    /// the layout's alignment, if larger): the `O_DIRECT` granule.
    public static let layerArrayAlignment = 4096

    /// Blocks in the layout.
    public var numBlocks: Int { config.numBlocks }
    /// Bytes in one memory region.
    public var regionSize: Int { config.regionSize }

    /// Bytes of one block's data: `numLayers × outerDim × regionSize`. This is the size of a block
    /// view (Dynamo's indexed `block_view` uses `regionSize × numLayers`, which leaves out
    /// `outerDim` and so covers only half a K/V block: that bug is fixed here).
    public var blockDataSize: Int { config.blockDataSize }

    /// Whether each block is one contiguous run (only then does a block view exist).
    public var isFullyContiguous: Bool { kind == .fullyContiguous }

    /// The byte offset of the region of (`block`, `layer`, `outer`).
    ///
    /// - Throws: ``LayoutError/invalidBlockIndex(_:count:)``, ``LayoutError/invalidLayerIndex(_:count:)``
    ///   or ``LayoutError/invalidOuterIndex(_:count:)`` for an index out of range.
    /// - Complexity: O(1).
    public func regionOffset(block: Int, layer: Int, outer: Int) throws(LayoutError) -> Int {
        try checkBlock(block)
        guard layer >= 0, layer < config.numLayers else { throw .invalidLayerIndex(layer, count: config.numLayers) }
        guard outer >= 0, outer < config.outerDim else { throw .invalidOuterIndex(outer, count: config.outerDim) }
        return uncheckedRegionOffset(block: block, layer: layer, outer: outer)
    }

    /// The bytes of a fully contiguous block: ``blockDataSize`` bytes from its first region.
    ///
    /// - Throws: ``LayoutError/invalidBlockIndex(_:count:)``; ``LayoutError/incompatibleLayouts(reason:)``
    ///   when the layout is layer separate (its blocks are not one run).
    public func blockRange(_ block: Int) throws(LayoutError) -> Range<Int> {
        try checkBlock(block)
        guard isFullyContiguous else {
            throw .incompatibleLayouts(reason: "a \(kind) layout has no contiguous block range")
        }
        let start = block * blockStride
        return start..<(start + blockDataSize)
    }

    /// Throws unless `block` is in range.
    @inline(__always)
    func checkBlock(_ block: Int) throws(LayoutError) {
        guard block >= 0, block < config.numBlocks else { throw .invalidBlockIndex(block, count: config.numBlocks) }
    }

    @inline(__always)
    func uncheckedRegionOffset(block: Int, layer: Int, outer: Int) -> Int {
        block &* blockStride &+ layer &* layerStride &+ outer &* outerStride
    }

    /// Calls `body(sourceOffset, destinationOffset, count)` for the runs that copy block `block` of
    /// this layout onto block `destinationBlock` of `destination`, regions in (layer, outer) order,
    /// merged into one run wherever they are adjacent on both sides (a fully contiguous pair gives a
    /// single run).
    ///
    /// - Throws: ``BlockDataError/layout(_:)`` for an index out of range or layouts of different
    ///   shapes (see ``checkCompatible(with:)``); whatever `body` throws.
    public func forEachCopyRun(
        block: Int, to destination: BlockLayout, block destinationBlock: Int,
        _ body: (_ sourceOffset: Int, _ destinationOffset: Int, _ count: Int) throws(BlockDataError) -> Void
    ) throws(BlockDataError) {
        do {
            try checkCompatible(with: destination)
            try checkBlock(block)
            try destination.checkBlock(destinationBlock)
        } catch {
            throw .layout(error)
        }
        let region = regionSize
        var pendingSource = 0
        var pendingDestination = 0
        var pendingCount = 0
        for layer in 0..<config.numLayers {
            for outer in 0..<config.outerDim {
                let source = uncheckedRegionOffset(block: block, layer: layer, outer: outer)
                let target = destination.uncheckedRegionOffset(block: destinationBlock, layer: layer, outer: outer)
                if pendingCount > 0, source == pendingSource &+ pendingCount, target == pendingDestination &+ pendingCount {
                    pendingCount &+= region
                    continue
                }
                if pendingCount > 0 { try body(pendingSource, pendingDestination, pendingCount) }
                pendingSource = source
                pendingDestination = target
                pendingCount = region
            }
        }
        try body(pendingSource, pendingDestination, pendingCount)
    }

    /// Throws unless blocks of `other` have the same shape as blocks of this layout.
    public func checkCompatible(with other: BlockLayout) throws(LayoutError) {
        let a = config
        let b = other.config
        guard a.numLayers == b.numLayers, a.outerDim == b.outerDim, a.regionSize == b.regionSize else {
            throw .incompatibleLayouts(
                reason: "blocks of \(a.numLayers) layers × \(a.outerDim) outer × \(a.regionSize) B regions cannot be copied to "
                    + "blocks of \(b.numLayers) layers × \(b.outerDim) outer × \(b.regionSize) B regions")
        }
    }

    public var description: String {
        "\(kind) layout of \(config): block stride \(blockStride) B, layer stride \(layerStride) B, "
            + "outer stride \(outerStride) B, \(requiredBytes) B in all"
    }

    static func alignUp(_ value: Int, _ alignment: Int) throws(LayoutError) -> Int {
        let (sum, overflow) = value.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw .tooLarge }
        return sum & ~(alignment - 1)
    }

    static func add(_ a: Int, _ b: Int) throws(LayoutError) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .tooLarge }
        return sum
    }
}
