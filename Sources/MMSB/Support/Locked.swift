#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`.
///
/// Used instead of `Synchronization.Mutex` for two measured reasons: ThreadSanitizer on Linux reports
/// false access races on `Mutex` (a minimal program of threads appending under `withLock` is flagged,
/// the same program with a pthread mutex is not), so concurrency tests under `--sanitize=thread` would
/// drown in noise; and an uncontended `pthread_mutex` costs about 15 ns here against about 90 ns for
/// `Mutex` (DESIGN.md).
///
/// `package`, so that MMSBKV (same package) shares it; `withLock` is inlinable so that the block pool's
/// hot path, which takes the lock once per call, pays no cross-module generic call.
package final class Locked<State: ~Copyable>: @unchecked Sendable {
    // @unchecked Sendable is sound: `state` is reached only inside `withLock`, which holds the mutex.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let state: UnsafeMutablePointer<State>

    package init(_ initial: consuming State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        state = .allocate(capacity: 1)
        state.initialize(to: initial)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    @inlinable @inline(__always)
    package func withLock<R: ~Copyable, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
