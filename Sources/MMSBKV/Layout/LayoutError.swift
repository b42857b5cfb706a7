/// Errors of block layouts: a configuration that breaks a rule, or an index out of range.
public enum LayoutError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The configuration field `field` has `value`, which breaks `requirement`.
    case invalidConfiguration(field: String, value: Int, requirement: String)
    /// Block `index` was asked for; the layout has `count` blocks.
    case invalidBlockIndex(Int, count: Int)
    /// Layer `index` was asked for; the layout has `count` layers.
    case invalidLayerIndex(Int, count: Int)
    /// Outer index `index` was asked for; the layout's outer dimension is `count`.
    case invalidOuterIndex(Int, count: Int)
    /// The layout needs more bytes than an `Int` can count.
    case tooLarge
    /// Blocks of two layouts were to be copied into each other, but their shapes differ as `reason` says.
    case incompatibleLayouts(reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let field, let value, let requirement):
            return "invalid layout configuration: \(field) is \(value), but \(requirement)"
        case .invalidBlockIndex(let index, let count):
            return "block index \(index) is out of range: the layout has \(count) blocks (0..<\(count))"
        case .invalidLayerIndex(let index, let count):
            return "layer index \(index) is out of range: the layout has \(count) layers (0..<\(count))"
        case .invalidOuterIndex(let index, let count):
            return "outer index \(index) is out of range: the outer dimension is \(count) (0..<\(count))"
        case .tooLarge:
            return "the layout is too large: its size in bytes does not fit in a 64-bit integer"
        case .incompatibleLayouts(let reason):
            return "the layouts are incompatible: \(reason)"
        }
    }
}
