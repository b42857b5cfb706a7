/// One contiguous span of bytes a delta writes: `length` bytes starting at `offset`.
public struct DeltaRun: Hashable, Sendable, CustomStringConvertible {
    /// First byte written.
    public let offset: Int
    /// Bytes written; always at least 1.
    public let length: Int

    /// One past the last byte written.
    public var end: Int { offset + length }

    public init(offset: Int, length: Int) {
        self.offset = offset
        self.length = length
    }

    public var description: String { "[\(offset), \(end))" }
}
