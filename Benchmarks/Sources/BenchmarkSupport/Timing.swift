import Dispatch
import Foundation

/// Seconds `body` takes, by the monotonic clock.
public func seconds(_ body: () throws -> Void) rethrows -> Double {
    try nanoseconds(body) / 1e9
}

/// Nanoseconds `body` takes, by the monotonic clock.
public func nanoseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start)
}

/// The median of `values` (the upper one of an even count).
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// A path for a new store in the temporary directory (nothing is created).
public func freshDirectory() -> String { NSTemporaryDirectory() + "mmsb-probe-" + UUID().uuidString }
