/// The size classes of the page memory pool.
///
/// Small buffers are carved from 1 MiB slabs in fixed block sizes so that freed blocks can be reused
/// for the next buffer of the same class; large buffers are mapped on their own.
///
/// | Requested bytes | Block size | Alignment | Waste at most |
/// |---|---|---|---|
/// | 1 … 4,096 | next multiple of 64 (64 classes) | 64 | 63 bytes |
/// | 4,097 … 65,536 | next multiple of 4,096 (15 classes) | 4,096 | 4,095 bytes |
/// | above 65,536 | own mapping, next multiple of the OS page | 4,096 | one OS page |
struct SizeClass: Equatable {
    /// Index of the class, 0 ..< ``SizeClass/count``.
    let index: Int
    /// Bytes reserved for every buffer of the class.
    let blockSize: Int

    /// Number of slab classes.
    static let count = smallClassCount + mediumClassCount
    /// Largest buffer served from a slab; larger ones get their own mapping.
    static let largestSlabBlock = 65_536
    /// Bytes of one slab.
    static let slabBytes = 1 << 20

    static let smallGranule = 64
    static let smallLimit = 4_096
    static let mediumGranule = 4_096
    static let smallClassCount = smallLimit / smallGranule                          // 64
    static let mediumClassCount = (largestSlabBlock - smallLimit) / mediumGranule  // 15

    /// The class that serves `size` bytes, or `nil` when the buffer needs its own mapping.
    @inline(__always)
    static func forSize(_ size: Int) -> SizeClass? {
        if size <= smallLimit {
            let index = (size + smallGranule - 1) / smallGranule - 1
            return SizeClass(index: index, blockSize: (index + 1) * smallGranule)
        }
        if size <= largestSlabBlock {
            let step = (size + mediumGranule - 1) / mediumGranule      // 2 ... 16
            return SizeClass(index: smallClassCount + step - 2, blockSize: step * mediumGranule)
        }
        return nil
    }

    /// The class with index `index`.
    static func at(_ index: Int) -> SizeClass {
        if index < smallClassCount {
            return SizeClass(index: index, blockSize: (index + 1) * smallGranule)
        }
        return SizeClass(index: index, blockSize: (index - smallClassCount + 2) * mediumGranule)
    }

    /// Alignment the pool guarantees for a buffer of `size` bytes: 64, or 4,096 for 4 KiB and more.
    @inline(__always)
    static func alignment(forSize size: Int) -> Int {
        size >= smallLimit ? mediumGranule : smallGranule
    }
}
