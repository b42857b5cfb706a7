import Dispatch

/// Seconds `body` takes.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The median of `values` (the upper one of an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int = 2) -> String {
    if digits <= 0 { return String(Int(value.rounded())) }
    let scale = Double([1, 10, 100, 1000, 10000][min(digits, 4)])
    let rounded = (value * scale).rounded() / scale
    return String(rounded)
}
