/// A byte range of a host memory storage, kept alive with it: what every block and layer view
/// (read-only or writable) is made of, so that the pointer handling lives in one place.
struct HostRegion: Sendable {
    let storage: any HostMemoryStorage
    /// The region's offset in its storage.
    let offset: Int
    /// Bytes in the region.
    let count: Int

    /// Calls `body` with the region's bytes; the pointer must not escape `body`.
    @inline(__always)
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(UnsafeRawBufferPointer(start: storage.baseAddress + offset, count: count))
        }
    }

    /// Calls `body` with the region's mutable bytes; the pointer must not escape `body`.
    @inline(__always)
    func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(UnsafeMutableRawBufferPointer(start: storage.baseAddress + offset, count: count))
        }
    }

    /// A copy of the region's bytes.
    var bytes: [UInt8] { withBytes { Array($0) } }
}
