/// An open-addressing map from a 64-bit sequence hash to a slot index, sized once for the pool.
///
/// Why not `Dictionary`: the keys are already hashes, so SipHash over them is wasted work on the hot
/// path, and in a pool of 100,000 blocks every lookup of a new or old hash is a cache miss, so the
/// table's footprint is what matters. Each bucket is 8 bytes: the slot and a 32-bit tag (the top bits
/// of the mixed key, from which the home bucket is also recovered); the full key is confirmed
/// against the slot's own metadata, which the caller reads next anyway. Linear probing at a load of
/// at most one half, backward-shift deletion (no tombstones), no allocation after `init`.
struct SequenceHashTable: ~Copyable {
    struct Entry: BitwiseCopyable {
        var tag: UInt32
        /// The slot stored, or -1 where the bucket is empty.
        var value: Int32
    }

    private var entries: FixedBuffer<Entry>
    private let mask: Int
    /// 32 − log2(bucket count): shifting a tag right by this gives its home bucket.
    private let tagShift: UInt32
    private(set) var count = 0

    /// A table that holds up to `capacity` entries at a load factor of at most one half.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = FixedBuffer(repeating: Entry(tag: 0, value: -1), count: size)
        mask = size - 1
        tagShift = UInt32(32 - size.trailingZeroBitCount)
    }

    /// The top 32 bits of a MurmurHash3 `fmix64`-style mix. A plain multiplicative hash is not
    /// enough: keys that are multiples of a constant (as in tests and benchmarks) collapsed onto a
    /// quarter of the buckets.
    @inline(__always)
    private static func tag(_ key: UInt64) -> UInt32 {
        var x = key ^ (key >> 33)
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        return UInt32(truncatingIfNeeded: x >> 32)
    }

    @inline(__always)
    private func home(_ tag: UInt32) -> Int { Int(tag >> tagShift) }

    /// The slot stored for `key`, or nil; `keyOf` gives the full key stored for a slot.
    @inline(__always)
    func find(_ key: UInt64, keyOf: (Int32) -> UInt64) -> Int32? {
        let tag = Self.tag(key)
        var index = home(tag)
        while true {
            let entry = entries[index]
            if entry.value < 0 { return nil }
            if entry.tag == tag && keyOf(entry.value) == key { return entry.value }
            index = (index + 1) & mask
        }
    }

    /// Stores `slot` for `key` unless the key is present; returns the slot already stored, if any.
    @inline(__always)
    mutating func insertIfAbsent(_ key: UInt64, _ slot: Int32, keyOf: (Int32) -> UInt64) -> Int32? {
        let tag = Self.tag(key)
        var index = home(tag)
        while true {
            let entry = entries[index]
            if entry.value < 0 { break }
            if entry.tag == tag && keyOf(entry.value) == key { return entry.value }
            index = (index + 1) & mask
        }
        entries[index] = Entry(tag: tag, value: slot)
        count += 1
        return nil
    }

    /// Removes the entry of `key` that stores `slot`, if present.
    mutating func remove(_ key: UInt64, slot: Int32) {
        let tag = Self.tag(key)
        var index = home(tag)
        while true {
            let entry = entries[index]
            if entry.value < 0 { return }
            if entry.value == slot { break }
            index = (index + 1) & mask
        }
        count -= 1
        var hole = index
        var next = (hole + 1) & mask
        while true {
            let entry = entries[next]
            if entry.value < 0 { break }
            let home = home(entry.tag)
            // Move `next` into the hole when its home bucket is not inside (hole, next] cyclically.
            if (hole - home) & mask < (next - home) & mask {
                entries[hole] = entry
                hole = next
            }
            next = (next + 1) & mask
        }
        entries[hole].value = -1
    }
}
