/// The identity of a store: 128 random bits written into every file of the store, so files of two
/// stores can never be mixed up.
public struct StoreID: Hashable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh random identity.
    public static func random() -> StoreID {
        var generator = SystemRandomNumberGenerator()
        return StoreID(high: generator.next(), low: generator.next())
    }

    /// The identity as 32 hexadecimal digits.
    public var description: String { hex(high) + hex(low) }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
