/// The hash of the tokens of one full block alone: `xxh3_64(token bytes, seed: salt hash)`.
public struct BlockHash: Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit hash.
    public var value: UInt64

    /// A block hash with the given value.
    public init(_ value: UInt64) { self.value = value }

    public var description: String { String(value) }
}
