/// Where a storage's bytes live (Dynamo's `StorageType`, without NIXL).
public enum StorageKind: Hashable, Sendable, CustomStringConvertible {
    /// Ordinary heap memory of this process.
    case system
    /// Host memory page-locked with `mlock` (check ``PinnedStorage/isPinned``: the lock may have been refused).
    case pinned
    /// Memory on accelerator `ordinal` (or a simulated one), reachable only through explicit copies.
    case device(ordinal: UInt32)
    /// A preallocated file.
    case disk
    /// A named POSIX shared-memory object that other processes of this machine can map.
    case sharedMemory
    /// No bytes at all: reads give zeros, writes are dropped (for tests of pool logic).
    case null

    public var description: String {
        switch self {
        case .system: return "system memory"
        case .pinned: return "pinned host memory"
        case .device(let ordinal): return "device \(ordinal) memory"
        case .disk: return "disk"
        case .sharedMemory: return "shared memory"
        case .null: return "null storage"
        }
    }
}
