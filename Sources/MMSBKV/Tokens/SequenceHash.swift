/// The identity of a full block together with every block before it: the key under which a
/// registered block is found again.
///
/// The first block's sequence hash is its ``BlockHash``; block *i* > 0 has
/// `xxh3_64([parent sequence hash, block hash] as 16 little-endian bytes, seed: salt hash)`.
/// Its canonical byte form (Dynamo's `SequenceHash([u8; 8])`) is the 8 little-endian bytes of the
/// 64-bit value, ``bytes``; the value itself is kept as a `UInt64` so that comparing and hashing
/// one costs a single word.
public struct SequenceHash: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 64-bit hash.
    public var value: UInt64

    /// A sequence hash with the given value.
    public init(_ value: UInt64) { self.value = value }

    /// The sequence hash whose little-endian byte form is `bytes`.
    ///
    /// - Throws: ``TokenBlockError/invalidHashBytes(count:)`` unless `bytes` holds exactly 8 bytes.
    public init(bytes: some Collection<UInt8>) throws(TokenBlockError) {
        guard bytes.count == 8 else { throw .invalidHashBytes(count: bytes.count) }
        var value: UInt64 = 0
        for (shift, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
        self.value = value
    }

    /// The 8 little-endian bytes of the hash (Dynamo's `as_bytes()`).
    public var bytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    public static func < (lhs: SequenceHash, rhs: SequenceHash) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }
}
