/// What a propagation wave noted about a page besides recomputing it.
public struct PageMarks: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A control parent changed, or a data parent changed and the page has no rule to recompute it.
    public static let stale = PageMarks(rawValue: 1)
    /// A gpuSync parent changed: the page must be synced to its device.
    public static let needsDeviceSync = PageMarks(rawValue: 2)
    /// A compiler parent changed: artefacts derived from the page (compiled code, caches) are invalid.
    public static let artefactsInvalid = PageMarks(rawValue: 4)

    public var description: String {
        var names: [String] = []
        if contains(.stale) { names.append("stale") }
        if contains(.needsDeviceSync) { names.append("needs-device-sync") }
        if contains(.artefactsInvalid) { names.append("artefacts-invalid") }
        return names.isEmpty ? "none" : names.joined(separator: ",")
    }
}

/// When dependants are recomputed.
public enum PropagationMode: Sendable, Equatable {
    /// In the call that changed their inputs, atomically with it (one log record).
    case immediate
    /// When ``StateBus/propagate()`` or ``StateBus/tick(_:)`` runs; changes are queued until then.
    case deferred
}
