/// A point in a store's history to rebuild the state at.
public enum ReplayTarget: Sendable, Equatable, CustomStringConvertible {
    /// After the record with this LSN (0: the empty store).
    case lsn(LSN)
    /// The epoch cut: the longest prefix of the log in which no page's epoch exceeds this epoch.
    case epoch(Epoch)
    /// After the last record stamped at or before this time (ns since the UNIX epoch).
    case timestamp(UInt64)

    public var description: String {
        switch self {
        case .lsn(let lsn): "LSN \(lsn)"
        case .epoch(let epoch): "epoch \(epoch)"
        case .timestamp(let time): "time \(time) ns"
        }
    }
}
