@_spi(BlockAccess) import MMSBKV
import MMSB
import Testing

/// Storages and block sets are shared between tasks; copies of disjoint blocks run concurrently.
/// (Run under `--sanitize=thread` to check for races.)
@Suite struct KVStorageConcurrencyTests {
    @Test func concurrentCopiesOfDisjointBlocksAreByteExact() async throws {
        let directory = try KVTemporaryDirectory("concurrent")
        let layout = try BlockLayout(
            config: LayoutConfiguration(numBlocks: 16, numLayers: 4, outerDim: 2, pageSize: 16, innerDim: 64), kind: .fullyContiguous)
        let host = try BlockSet.system(layout)
        let disk = try BlockSet.disk(layout, directory: directory.path)
        let device = try BlockSet.simulatedDevice(layout)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for block in 0..<16 {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(block))
                    let bytes = (0..<layout.blockDataSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    var writer = try host.writer(block: block)
                    try writer.write(bytes)
                    var onDisk = try disk.writer(block: 15 - block)
                    try onDisk.copy(from: writer.freeze())
                    var onDevice = try device.writer(block: block)
                    try onDevice.copy(from: onDisk.freeze())
                    return try onDevice.reader.bytes() == bytes
                }
            }
            var all: [Bool] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }

    @Test func batchCopiesRunSeveralInFlightAndReportEachFailure() throws {
        let directory = try KVTemporaryDirectory("batch")
        let layout = try BlockLayout(
            config: LayoutConfiguration(numBlocks: 12, numLayers: 2, outerDim: 2, pageSize: 16, innerDim: 64), kind: .fullyContiguous)
        let host = try BlockSet.pinned(layout)
        let disk = try BlockSet.disk(layout, directory: directory.path)
        var expected: [[UInt8]] = []
        for block in 0..<12 {
            var random = SplitMix64(seed: 500 + UInt64(block))
            let bytes = (0..<layout.blockDataSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var writer = try host.writer(block: block)
            try writer.write(bytes)
            expected.append(bytes)
        }
        let pairs = (0..<12).map { (source: $0, destination: 11 - $0) }
        #expect(disk.copyBlocks(from: host, pairs: pairs, maxConcurrent: 3).allSatisfy { $0 == nil })
        for block in 0..<12 { #expect(try disk.reader(block: 11 - block).bytes() == expected[block]) }
        let back = try BlockSet.system(layout)
        let outcomes = back.copyBlocks(from: disk, pairs: [(source: 0, destination: 0), (source: 12, destination: 1), (source: 2, destination: 2)], maxConcurrent: 4)
        #expect(outcomes.count == 3 && outcomes[0] == nil && outcomes[2] == nil)
        #expect(outcomes[1] == .layout(.invalidBlockIndex(12, count: 12)))
        #expect(try back.reader(block: 2).bytes() == expected[9])
        #expect(back.copyBlocks(from: disk, pairs: []).isEmpty)
    }

    @Test func remoteBlocksetsAreShareableBetweenTasks() async throws {
        let layout = try BlockLayout(
            config: LayoutConfiguration(numBlocks: 8, numLayers: 1, outerDim: 2, pageSize: 16, innerDim: 64), kind: .fullyContiguous)
        let shared = try BlockSet.sharedMemory(layout)
        let export = try SerializedBlockset(workerID: 42, blocksets: [shared])
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(export)
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for block in 0..<8 {
                group.addTask {
                    try peers.importRemoteBlockset(export)  // re-imports race with reads
                    var target = try peers.mutableRemoteBlocks(export.blockDescriptors(blockset: 0, blocks: [block]))[0]
                    try target.write([UInt8](repeating: UInt8(block), count: layout.blockDataSize))
                    return try target.reader.bytes().filter { $0 == UInt8(block) }.count
                }
            }
            var all: [Int] = []
            for try await count in group { all.append(count) }
            return all
        }
        #expect(counts == [Int](repeating: layout.blockDataSize, count: 8))
        for block in 0..<8 { #expect(try shared.reader(block: block).bytes().allSatisfy { $0 == UInt8(block) }) }
    }
}
