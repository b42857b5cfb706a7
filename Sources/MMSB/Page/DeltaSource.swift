/// Where a delta came from.
public enum DeltaSource: Hashable, Sendable, CustomStringConvertible {
    case user
    case compute
    case propagation
    case replay
    case merge
    case disk
    case network
    /// A label of your own: 1 to ``DeltaSource/maximumLabelBytes`` bytes of UTF-8, not one of the names above.
    case custom(String)

    /// The longest custom label, in UTF-8 bytes (it must fit the log's one-byte length).
    public static let maximumLabelBytes = 255

    /// The source for a label: a built-in name (`"user"`, `"propagation"`, …) or a custom label.
    public init(label: String) {
        switch label {
        case "user": self = .user
        case "compute": self = .compute
        case "propagation": self = .propagation
        case "replay": self = .replay
        case "merge": self = .merge
        case "disk": self = .disk
        case "network": self = .network
        default: self = .custom(label)
        }
    }

    /// The label: the built-in name, or the custom text.
    public var label: String {
        switch self {
        case .user: "user"
        case .compute: "compute"
        case .propagation: "propagation"
        case .replay: "replay"
        case .merge: "merge"
        case .disk: "disk"
        case .network: "network"
        case .custom(let label): label
        }
    }

    public var description: String { label }

    /// Whether the source can be stored: custom labels must be 1 … 255 bytes.
    var isValid: Bool {
        guard case .custom(let label) = self else { return true }
        let length = label.utf8.count
        return length > 0 && length <= Self.maximumLabelBytes
    }
}
