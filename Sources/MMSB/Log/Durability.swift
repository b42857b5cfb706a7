/// When a store's log reaches the disk, and so what a crash can lose.
///
/// | Mode | Acknowledged when | Lost by `kill -9` | Lost by power loss |
/// |---|---|---|---|
/// | ``none`` | the record is in the log's buffer | the buffer (≤ 256 KiB, ≤ 5 ms) | everything since the last sync |
/// | ``batched(maxDelay:maxBytes:)`` | the record is in the log's buffer | the buffer (≤ `maxBytes`, ≤ `maxDelay`) | the same |
/// | ``always`` | the record is synced (`fdatasync`) | nothing | nothing |
///
/// In every mode what survives is a prefix of the acknowledged records, never a mix.
public enum Durability: Sendable, Equatable, CustomStringConvertible {
    /// Records are written to the OS in 256 KiB chunks or every 5 ms, and synced only at segment
    /// rotation, ``StateBus/sync()`` and close.
    case none
    /// Group commit by a background flusher: the log is written and synced every `maxDelay`, or as soon
    /// as `maxBytes` are waiting.
    case batched(maxDelay: Duration, maxBytes: Int)
    /// Every call returns only after its record is synced.
    case always

    /// `batched` with a 10 ms delay and 1 MiB of bytes.
    public static let batchedDefault = Durability.batched(maxDelay: .milliseconds(10), maxBytes: 1 << 20)

    public var description: String {
        switch self {
        case .none: "none"
        case .batched(let delay, let bytes): "batched(maxDelay: \(delay), maxBytes: \(bytes))"
        case .always: "always"
        }
    }
}
