/// (min, +) over ℝ ∪ {+∞}: shortest paths. zero = +∞, one = 0. (The original's tropical semiring.)
public enum TropicalSemiring: DoubleSemiring {
    public static let zero = Double.infinity
    public static let one = 0.0
    public static func add(_ a: Double, _ b: Double) -> Double { min(a, b) }
    public static func multiply(_ a: Double, _ b: Double) -> Double { a + b }
}

/// (max, +) over ℝ ∪ {−∞}: longest paths, critical paths. zero = −∞, one = 0.
public enum MaxPlusSemiring: DoubleSemiring {
    public static let zero = -Double.infinity
    public static let one = 0.0
    public static func add(_ a: Double, _ b: Double) -> Double { max(a, b) }
    public static func multiply(_ a: Double, _ b: Double) -> Double { a + b }
}

/// (+, ×) over ℝ: ordinary linear algebra. zero = 0, one = 1.
public enum RealSemiring: DoubleSemiring {
    public static let zero = 0.0
    public static let one = 1.0
    public static func add(_ a: Double, _ b: Double) -> Double { a + b }
    public static func multiply(_ a: Double, _ b: Double) -> Double { a * b }
}

/// (max, min) over ℝ ∪ {±∞}: widest paths, bottleneck capacity. zero = −∞, one = +∞.
public enum BottleneckSemiring: DoubleSemiring {
    public static let zero = -Double.infinity
    public static let one = Double.infinity
    public static func add(_ a: Double, _ b: Double) -> Double { max(a, b) }
    public static func multiply(_ a: Double, _ b: Double) -> Double { min(a, b) }
}

/// (max, ×) over [0, 1]: most probable paths. zero = 0, one = 1.
public enum ViterbiSemiring: DoubleSemiring {
    public static let zero = 0.0
    public static let one = 1.0
    public static func add(_ a: Double, _ b: Double) -> Double { max(a, b) }
    public static func multiply(_ a: Double, _ b: Double) -> Double { a * b }
}

/// (or, and) over {false, true}: reachability. zero = false, one = true; stored as one byte, nonzero
/// meaning true. (The original's boolean semiring.)
public enum BooleanSemiring: Semiring {
    public static let zero = false
    public static let one = true
    public static func add(_ a: Bool, _ b: Bool) -> Bool { a || b }
    public static func multiply(_ a: Bool, _ b: Bool) -> Bool { a && b }
    public static var elementByteCount: Int { 1 }
    public static func element(from bytes: UnsafeRawBufferPointer) -> Bool { bytes[0] != 0 }
    public static func store(_ element: Bool, into bytes: UnsafeMutableRawBufferPointer) { bytes[0] = element ? 1 : 0 }
}

/// (+, ×) over ℕ ∪ {∞}, with ∞ = `UInt64.max` and saturating arithmetic: counting paths. zero = 0,
/// one = 1. Saturation keeps every law: once a count passes 2⁶⁴ − 1 it stays ∞ (times 0 is still 0).
public enum CountingSemiring: Semiring {
    public static let zero: UInt64 = 0
    public static let one: UInt64 = 1
    public static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
    public static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
    public static var elementByteCount: Int { 8 }
    public static func element(from bytes: UnsafeRawBufferPointer) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)) }
    public static func store(_ element: UInt64, into bytes: UnsafeMutableRawBufferPointer) {
        bytes.storeBytes(of: element.littleEndian, as: UInt64.self)
    }
}
