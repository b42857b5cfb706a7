@testable import MMSB

/// Helpers shared by the memory, index and page-table tests.

/// Bookkeeping of a fresh pool: three per-class pointer tables.
let poolTableBytes = 3 * SizeClass.count * MemoryLayout<UnsafeMutableRawPointer?>.stride

func isZeroFilled(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.allSatisfy { $0 == 0 }
}

func isZeroFilled(_ pointer: UnsafeMutableRawPointer, count: Int) -> Bool {
    isZeroFilled(UnsafeRawBufferPointer(start: pointer, count: count))
}

func statistics(live: Int, requested: Int, reserved: Int, mapped: Int, bookkeeping: Int) -> MemoryStatistics {
    var statistics = MemoryStatistics()
    statistics.liveBuffers = live
    statistics.bytesRequested = requested
    statistics.bytesReserved = reserved
    statistics.bytesMapped = mapped
    statistics.bookkeepingBytes = bookkeeping
    return statistics
}
