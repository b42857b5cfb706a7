/// The weight of a data edge, for semiring rules: one semiring element in eight little-endian bytes.
///
/// A weight is stored as raw bits so that the graph, the log and checkpoints need not know which
/// semiring reads it; the semiring rule (``RecomputeRule/semiring(_:)``) decodes it with its semiring's element encoding. An edge without
/// a weight counts as the semiring's `one` (⊗ identity), so plain data edges pass values through.
public struct EdgeWeight: Hashable, Sendable, CustomStringConvertible {
    /// The eight bytes of the weight as a little-endian integer.
    public let bits: UInt64

    public init(bits: UInt64) { self.bits = bits }

    /// A weight holding a double (the element of the tropical, max-plus, real, bottleneck and Viterbi semirings).
    public init(_ value: Double) { bits = value.bitPattern }

    /// A weight holding `element` as `semiring` stores it; `nil` when the semiring's element takes more
    /// than eight bytes.
    public init?<S: Semiring>(_ element: S.Element, in semiring: S.Type) {
        guard S.elementByteCount <= 8 else { return nil }
        var raw: UInt64 = 0
        withUnsafeMutableBytes(of: &raw) { S.store(element, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<S.elementByteCount])) }
        bits = UInt64(littleEndian: raw)
    }

    /// The weight read as an element of `semiring` (which must take at most eight bytes).
    public func element<S: Semiring>(in semiring: S.Type) -> S.Element {
        var raw = bits.littleEndian
        return withUnsafeBytes(of: &raw) { S.element(from: UnsafeRawBufferPointer(rebasing: $0[..<min(8, S.elementByteCount)])) }
    }

    public var description: String { "0x" + String(bits, radix: 16) }
}
