import BenchmarkSupport
import Foundation
import MMSB

/// Writing a 1 KiB parent whose passthrough child follows it, per write.
func oneHop() throws {
    for logged in [false, true] {
        let path = freshDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bus = logged
            ? try StateBus.open(at: path, options: StoreOptions(durability: .none, checkpointEveryLogBytes: nil, checkpointOnClose: false))
            : StateBus()
        let parent = try bus.createPage(size: 1_024)
        let child = try bus.createPage(size: 1_024)
        try bus.addEdge(from: parent, to: child, type: .data)
        try bus.setRule(.passthrough(), for: child)
        let patterns = [[UInt8](repeating: 1, count: 1_024), [UInt8](repeating: 2, count: 1_024)]
        let writes = 20_000
        var samples: [Double] = []
        for _ in 0..<runs {
            samples.append(try nanoseconds {
                for index in 0..<writes { try bus.write(page: parent, offset: 0, bytes: patterns[index & 1]) }
            } / Double(writes))
        }
        guard try bus.read(page: child) == bus.read(page: parent) else { throw CocoaError(.featureUnsupported) }
        if logged { try bus.close() }
        report("one-hop propagation 1 KiB" + (logged ? ", store `none`" : ", in memory"), "\(format(median(samples), 0)) ns per write + recompute")
    }
}
