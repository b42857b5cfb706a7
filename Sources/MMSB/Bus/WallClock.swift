#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The source of delta timestamps: nanoseconds since the UNIX epoch.
///
/// A bus reads time only through its clock, so a test (or a replay) can fix time and get
/// byte-identical results.
public protocol WallClock: Sendable {
    /// Nanoseconds since 1970-01-01 00:00:00 UTC.
    func now() -> UInt64
}

/// The system's real-time clock. The corresponding C function is `clock_gettime(CLOCK_REALTIME)`.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// A clock that only moves when told to, for tests and deterministic runs.
public final class ManualWallClock: WallClock {
    private let nanoseconds: Atomic<UInt64>

    /// A clock reading `nanoseconds`.
    public init(nanoseconds: UInt64 = 0) {
        self.nanoseconds = Atomic(nanoseconds)
    }

    public func now() -> UInt64 { nanoseconds.load(ordering: .relaxed) }

    /// Sets the time.
    public func set(nanoseconds value: UInt64) { nanoseconds.store(value, ordering: .relaxed) }

    /// Moves the time forward by `delta` nanoseconds.
    public func advance(by delta: UInt64) { nanoseconds.add(delta, ordering: .relaxed) }
}
