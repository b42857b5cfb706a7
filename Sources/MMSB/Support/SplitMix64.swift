/// A small, fast, seeded random number generator (SplitMix64, Steele, Lea and Flood 2014).
///
/// The same seed gives the same sequence on every machine and every run, which is what simulations,
/// workload generators and property tests of a deterministic store need. Swift's
/// `SystemRandomNumberGenerator` cannot be seeded, and `Hasher` is seeded per process.
/// Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state; it advances by a fixed odd constant on every draw.
    public var state: UInt64

    /// A generator that starts from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}
