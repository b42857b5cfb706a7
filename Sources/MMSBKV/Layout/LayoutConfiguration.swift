/// The shape of a tier's KV blocks, validated: how many blocks, and per block how many layers, outer
/// entries (2: separate K and V; 1: MLA), tokens (`pageSize`) and elements per token (`innerDim`)
/// of `dtypeWidthBytes` bytes each.
///
/// A *memory region* is one `[pageSize × innerDim]` slab of one layer and one outer index:
/// ``regionSize`` = `pageSize × innerDim × dtypeWidthBytes` bytes.
public struct LayoutConfiguration: Hashable, Sendable, CustomStringConvertible {
    /// Blocks in the layout (at least 1).
    public let numBlocks: Int
    /// Transformer layers per block (at least 1).
    public let numLayers: Int
    /// 2 for separate K and V, 1 for a joint latent (MLA).
    public let outerDim: Int
    /// Tokens per block (at least 1).
    public let pageSize: Int
    /// Elements per token and layer, e.g. KV heads × head size (at least 1).
    public let innerDim: Int
    /// Byte alignment of every block (FullyContiguous) or region run (LayerSeparate); a power of two.
    public let alignment: Int
    /// Bytes per element (2 for fp16 / bf16).
    public let dtypeWidthBytes: Int

    /// A validated configuration.
    ///
    /// - Throws: ``LayoutError/invalidConfiguration(field:value:requirement:)`` naming the first field that
    ///   breaks its rule; ``LayoutError/tooLarge`` when the sizes overflow.
    public init(
        numBlocks: Int, numLayers: Int, outerDim: Int, pageSize: Int, innerDim: Int,
        alignment: Int = 1, dtypeWidthBytes: Int = 2
    ) throws(LayoutError) {
        guard numBlocks >= 1 else { throw .invalidConfiguration(field: "numBlocks", value: numBlocks, requirement: "it must be at least 1") }
        guard numLayers >= 1 else { throw .invalidConfiguration(field: "numLayers", value: numLayers, requirement: "it must be at least 1") }
        guard outerDim == 1 || outerDim == 2 else {
            throw .invalidConfiguration(field: "outerDim", value: outerDim, requirement: "it must be 1 (MLA) or 2 (K and V)")
        }
        guard pageSize >= 1 else { throw .invalidConfiguration(field: "pageSize", value: pageSize, requirement: "it must be at least 1") }
        guard innerDim >= 1 else { throw .invalidConfiguration(field: "innerDim", value: innerDim, requirement: "it must be at least 1") }
        guard alignment >= 1, alignment & (alignment - 1) == 0 else {
            throw .invalidConfiguration(field: "alignment", value: alignment, requirement: "it must be a power of two")
        }
        guard alignment <= Self.maximumAlignment else {
            throw .invalidConfiguration(field: "alignment", value: alignment, requirement: "it must be at most \(Self.maximumAlignment) (2 MiB)")
        }
        guard dtypeWidthBytes >= 1, dtypeWidthBytes <= 16 else {
            throw .invalidConfiguration(field: "dtypeWidthBytes", value: dtypeWidthBytes, requirement: "it must be 1 to 16")
        }
        self.numBlocks = numBlocks
        self.numLayers = numLayers
        self.outerDim = outerDim
        self.pageSize = pageSize
        self.innerDim = innerDim
        self.alignment = alignment
        self.dtypeWidthBytes = dtypeWidthBytes
        _ = try Self.multiply(pageSize, innerDim, dtypeWidthBytes, numLayers, outerDim, numBlocks)
    }

    /// The largest alignment accepted: a huge page.
    public static let maximumAlignment = 2 << 20

    /// Bytes in one memory region: `pageSize × innerDim × dtypeWidthBytes`.
    public var regionSize: Int { pageSize * innerDim * dtypeWidthBytes }

    /// Bytes of KV data in one block, padding excluded: `numLayers × outerDim × regionSize`.
    public var blockDataSize: Int { numLayers * outerDim * regionSize }

    public var description: String {
        "\(numBlocks) blocks × \(numLayers) layers × \(outerDim) outer × \(pageSize) tokens × \(innerDim) × \(dtypeWidthBytes) B"
            + (alignment > 1 ? ", aligned to \(alignment) B" : "")
    }

    static func multiply(_ factors: Int...) throws(LayoutError) -> Int {
        var product = 1
        for factor in factors {
            let (result, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw .tooLarge }
            product = result
        }
        return product
    }
}
