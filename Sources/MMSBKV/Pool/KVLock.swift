#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`, the MMSBKV twin of MMSB's internal `Locked`.
///
/// Not `Synchronization.Mutex`: ThreadSanitizer on Linux reports false races on it, and an uncontended
/// pthread mutex costs about 15 ns here against about 90 ns (DESIGN.md). The block pool's hot path
/// takes this lock once per call, so the difference is visible in the per-block budget.
final class KVLock<State: ~Copyable>: @unchecked Sendable {
    // @unchecked Sendable is sound: `state` is reached only inside `withLock`, which holds the mutex.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let state: UnsafeMutablePointer<State>

    init(_ initial: consuming State) {
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
    @inline(__always)
    func withLock<R: ~Copyable, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
