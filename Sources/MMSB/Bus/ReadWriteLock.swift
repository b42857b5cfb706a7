#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_rwlock_t`: any number of readers at once, or one writer.
///
/// Used instead of `Synchronization.Mutex` because readers must not block each other, and because an
/// uncontended `pthread_rwlock` costs about a fifth of a `Mutex` here (DESIGN.md). The state lives
/// in its own allocation and is handed to the closures as `inout` or `borrowing`, so the compiler
/// checks exclusivity statically inside them.
final class ReadWriteLock<State: ~Copyable>: @unchecked Sendable {
    // @unchecked Sendable is sound: `state` is only reached inside `withReadLock` (shared, read-only) or
    // `withWriteLock` (exclusive), both of which hold the lock for the whole closure.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    private let state: UnsafeMutablePointer<State>

    init(_ initial: consuming State) {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
        state = .allocate(capacity: 1)
        state.initialize(to: initial)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        pthread_rwlock_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    /// Runs `body` with shared access; other readers may run at the same time, writers wait.
    @inline(__always)
    func withReadLock<R: ~Copyable, E: Error>(_ body: (borrowing State) throws(E) -> R) throws(E) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(state.pointee)
    }

    /// Runs `body` with exclusive access.
    @inline(__always)
    func withWriteLock<R: ~Copyable, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&state.pointee)
    }
}
