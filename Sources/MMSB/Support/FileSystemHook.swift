import Synchronization

/// A file-system call that changes something, as ``SystemCall`` hands it to a ``FileSystemHook``.
///
/// Writes carry the bytes of the one `pwrite` they describe, valid only during the hook's call.
package enum FileOperation {
    case open(path: String, flags: Int32)
    case close(descriptor: Int32)
    case write(descriptor: Int32, offset: Int, bytes: UnsafeRawBufferPointer)
    case synchronizeData(descriptor: Int32)
    case synchronize(descriptor: Int32)
    case truncate(descriptor: Int32, length: Int)
    case preallocate(descriptor: Int32, length: Int)
    case rename(source: String, destination: String)
    case remove(path: String)
    case makeDirectory(path: String)
}

/// What a hook makes of a call before it runs.
package enum FileFault: Equatable, Sendable {
    /// The call fails with this `errno` and does nothing.
    case fail(errno: Int32)
    /// A `pwrite` writes only this many bytes (the caller's loop goes on with the rest).
    case shortWrite(bytes: Int)
}

/// Sees, and may fail, every file-system call of MMSB and MMSBKV: the seam the crash-consistency
/// harness records workloads through (ALICE / CrashMonkey style) and injects `EIO`, `ENOSPC` and
/// short writes at.
///
/// `before` runs ahead of the call and may return a fault; `after` runs once the call succeeded
/// (with the new descriptor for an `open`). Both run on the calling thread, inside the library's
/// locks: a hook must not call back into the store.
package protocol FileSystemHook: AnyObject, Sendable {
    func before(_ operation: FileOperation) -> FileFault?
    func after(_ operation: FileOperation, descriptor: Int32)
}

/// The installed hook: none in production, where the check costs one relaxed atomic load per call.
package enum FileSystemHooks {
    private static let installed = Atomic<Bool>(false)
    private static let hook = Mutex<(any FileSystemHook)?>(nil)

    /// The hook, if one is installed.
    @inline(__always)
    static var current: (any FileSystemHook)? {
        guard installed.load(ordering: .acquiring) else { return nil }
        return hook.withLock { $0 }
    }

    /// Installs `newHook` (replacing any other), or removes the hook with `nil`.
    package static func install(_ newHook: (any FileSystemHook)?) {
        hook.withLock { $0 = newHook }
        installed.store(newHook != nil, ordering: .releasing)
    }
}
