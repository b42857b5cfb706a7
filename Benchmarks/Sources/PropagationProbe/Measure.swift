import Dispatch
import Foundation

func nanoseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

extension Duration {
    var microseconds: Double { Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12 }
}

func freshDirectory() -> String { NSTemporaryDirectory() + "mmsb-probe-" + UUID().uuidString }

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
