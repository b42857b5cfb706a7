/// Exact accounting of page memory.
///
/// Every figure is maintained on each allocation and release, never estimated.
public struct MemoryStatistics: Equatable, Sendable, CustomStringConvertible {
    /// Buffers handed out and not yet returned (one per live page).
    public var liveBuffers: Int = 0
    /// Bytes the callers asked for, summed over live buffers.
    public var bytesRequested: Int = 0
    /// Bytes set aside for live buffers: their block sizes (or page-rounded mappings).
    public var bytesReserved: Int = 0
    /// Bytes held from the operating system: slabs (used and free blocks) plus large mappings.
    public var bytesMapped: Int = 0
    /// Bytes spent on bookkeeping: allocator tables, and for a bus its page table and index.
    public var bookkeepingBytes: Int = 0

    public init() {}

    /// Bytes reserved but not requested: rounding up to a block size.
    public var internalWaste: Int { bytesReserved - bytesRequested }

    public var description: String {
        "\(liveBuffers) live buffers, \(bytesRequested) B requested, \(bytesReserved) B reserved, "
            + "\(bytesMapped) B mapped, \(bookkeepingBytes) B bookkeeping"
    }
}
