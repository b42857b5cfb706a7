import MMSB

/// Errors of KV storage: allocation, access, I/O and bounds (the reference API's `StorageError`,
/// each case carrying the sizes, offsets and `errno` a caller needs).
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `bytes` could not be obtained; `errno` is the system's code (0 when there is none).
    case allocationFailed(bytes: Int, errno: Int32, detail: String)
    /// The storage cannot do `operation` (e.g. a host view of device memory).
    case notAccessible(kind: StorageKind, operation: String)
    /// A parameter is invalid, as `detail` says.
    case invalidConfiguration(String)
    /// The system call `operation` failed with `errno` on `path` (`nil` for memory).
    case operationFailed(operation: String, path: String?, errno: Int32)
    /// Bytes `offset ..< offset + count` were asked for; the storage holds `size`.
    case outOfBounds(offset: Int, count: Int, size: Int)
    /// A device backend failed on device `ordinal`.
    case device(ordinal: UInt32, message: String)

    public var description: String {
        switch self {
        case .allocationFailed(let bytes, let code, let detail):
            return "could not allocate \(bytes) bytes: \(detail)" + (code != 0 ? " (\(SystemErrorText.describe(errno: code)))" : "")
        case .notAccessible(let kind, let operation):
            return "\(kind) does not support \(operation)"
        case .invalidConfiguration(let detail):
            return "invalid storage configuration: \(detail)"
        case .operationFailed(let operation, let path, let code):
            return "\(operation) failed" + (path.map { " on \($0)" } ?? "") + ": \(SystemErrorText.describe(errno: code))"
        case .outOfBounds(let offset, let count, let size):
            return "bytes \(offset)..<\(offset &+ count) are out of bounds: the storage holds \(size) bytes"
        case .device(let ordinal, let message):
            return "device \(ordinal): \(message)"
        }
    }
}
