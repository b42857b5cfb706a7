// Number formatting for the probe's lines; timing and medians come from BenchmarkSupport.

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int = 2) -> String {
    if digits <= 0 { return String(Int(value.rounded())) }
    let scale = Double([1, 10, 100, 1000, 10000][min(digits, 4)])
    let rounded = (value * scale).rounded() / scale
    return String(rounded)
}
