/// A semiring: a set with ⊕ (`add`) and ⊗ (`multiply`), their identities `zero` and `one`, where ⊕ is
/// associative and commutative, ⊗ is associative, ⊗ distributes over ⊕, and `zero` annihilates.
///
/// Semirings are types with static members only: `TropicalSemiring.add(a, b)`. Each one also fixes how
/// an element is stored in page bytes (little-endian, ``elementByteCount`` bytes), so that a page can
/// be read as a vector of elements. The law tests in `SemiringLawTests` check every semiring here.
public protocol Semiring: Sendable {
    associatedtype Element: Equatable & Sendable
    /// The identity of ⊕, which annihilates under ⊗.
    static var zero: Element { get }
    /// The identity of ⊗.
    static var one: Element { get }
    /// a ⊕ b.
    static func add(_ a: Element, _ b: Element) -> Element
    /// a ⊗ b.
    static func multiply(_ a: Element, _ b: Element) -> Element
    /// Bytes one element takes in a page.
    static var elementByteCount: Int { get }
    /// The element stored in `bytes`, which hold exactly ``elementByteCount`` bytes.
    static func element(from bytes: UnsafeRawBufferPointer) -> Element
    /// Stores `element` into `bytes`, which hold exactly ``elementByteCount`` bytes.
    static func store(_ element: Element, into bytes: UnsafeMutableRawBufferPointer)
}

extension Semiring {
    /// ⊕ over `elements`, from ``zero`` (the original's `fold_add`); ``zero`` for none.
    public static func sum(_ elements: some Sequence<Element>) -> Element {
        elements.reduce(zero, add)
    }

    /// ⊗ over `elements`, from ``one`` (the original's `fold_mul`); ``one`` for none.
    public static func product(_ elements: some Sequence<Element>) -> Element {
        elements.reduce(one, multiply)
    }

    /// Both l ⊕ r and l ⊗ r (the original's `accumulate`).
    public static func accumulate(_ left: Element, _ right: Element) -> (sum: Element, product: Element) {
        (add(left, right), multiply(left, right))
    }
}

/// Elements stored as little-endian IEEE 754 doubles.
public protocol DoubleSemiring: Semiring where Element == Double {}

extension DoubleSemiring {
    public static var elementByteCount: Int { 8 }

    public static func element(from bytes: UnsafeRawBufferPointer) -> Double {
        Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
    }

    public static func store(_ element: Double, into bytes: UnsafeMutableRawBufferPointer) {
        bytes.storeBytes(of: element.bitPattern.littleEndian, as: UInt64.self)
    }
}
