/// Behaviour shared by MMSB's 64-bit identifiers and counters: ordering, integer literals, decimal text.
public protocol UInt64Identifier: RawRepresentable, Hashable, Comparable, Sendable,
    ExpressibleByIntegerLiteral, CustomStringConvertible where RawValue == UInt64
{
    init(_ rawValue: UInt64)
}

extension UInt64Identifier {
    public init(rawValue: UInt64) { self.init(rawValue) }
    public init(integerLiteral value: UInt64) { self.init(value) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// The identity of a page. A bus assigns 1, 2, 3, … unless the caller chooses; ids are never reused.
public struct PageID: UInt64Identifier {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// The identity of an applied delta. A bus numbers the deltas it applies 1, 2, 3, …; a delta that was
/// built but not yet applied carries ``unassigned``.
public struct DeltaID: UInt64Identifier {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// The id of a delta no bus has applied yet.
    public static let unassigned = DeltaID(0)
}

/// A page's version. It starts at 0 when the page is created and never decreases.
public struct Epoch: UInt64Identifier {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// The epoch of a newly created page.
    public static let zero = Epoch(0)

    /// The epoch after this one.
    ///
    /// Saturates at `UInt64.max` (the original's `u32` epoch overflowed at 2³²−1; 2⁶⁴ writes are out of reach).
    /// Write paths use ``successor``, which refuses to advance past the end instead.
    @inline(__always)
    public var next: Epoch { Epoch(rawValue == .max ? rawValue : rawValue &+ 1) }

    /// The epoch after this one, or `nil` when this is `UInt64.max` and there is none: a page at that
    /// epoch cannot change any more (a write to it is ``DeltaError/epochExhausted(_:)``).
    @inline(__always)
    public var successor: Epoch? { rawValue == .max ? nil : Epoch(rawValue &+ 1) }
}
