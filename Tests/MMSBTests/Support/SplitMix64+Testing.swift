import MMSB

/// Conveniences for drawing test inputs from the library's seeded generator.
extension SplitMix64 {
    /// A uniformly drawn integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }

    /// True with a chance of `percent` in 100.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}
