import Foundation
@_spi(BlockAccess) import MMSBKV
import MMSB
import Testing

private enum Tier: String, CaseIterable, CustomTestStringConvertible {
    case system, pinned, device, disk, bufferedDisk, shared
    var testDescription: String { rawValue }

    func make(_ layout: BlockLayout, in directory: String) throws -> BlockSet {
        switch self {
        case .system: return try BlockSet.system(layout)
        case .pinned: return try BlockSet.pinned(layout)
        case .device: return try BlockSet.simulatedDevice(layout)
        case .disk: return try BlockSet.disk(layout, directory: directory)
        case .bufferedDisk: return try BlockSet.disk(layout, directory: directory, options: .init(directIO: .disabled))
        case .shared: return try BlockSet.sharedMemory(layout)
        }
    }
}

private let kinds: [LayoutKind] = [.fullyContiguous, .layerSeparate(outerContiguous: true), .layerSeparate(outerContiguous: false)]

/// A 3-layer K/V layout whose blocks are 4 KiB multiples in the fully contiguous case (so disk
/// transfers can go direct) and not otherwise.
private func layout(_ kind: LayoutKind, blocks: Int = 3) throws -> BlockLayout {
    try BlockLayout(config: LayoutConfiguration(numBlocks: blocks, numLayers: 3, outerDim: 2, pageSize: 16, innerDim: 64, alignment: 4096), kind: kind)
}

private func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
}

/// Byte-exact copies between every pair of storages and layouts.
@Suite struct KVStorageCopyTests {
    @Test(arguments: Tier.allCases, Tier.allCases)
    fileprivate func copyBetweenTiersIsByteExact(from: Tier, to: Tier) throws {
        let directory = try KVTemporaryDirectory("copy")
        for (index, sourceKind) in kinds.enumerated() {
            let destinationKind = kinds[(index + 1) % kinds.count]
            let source = try from.make(layout(sourceKind), in: directory.path)
            let destination = try to.make(layout(destinationKind), in: directory.path)
            let bytes = pattern(source.layout.blockDataSize, seed: UInt64(index + 1))
            var writer = try source.writer(block: 1)
            try writer.write(bytes)
            var target = try destination.writer(block: 2)
            try target.copy(from: writer.freeze())
            #expect(try target.reader.bytes() == bytes, "\(from) \(sourceKind) → \(to) \(destinationKind)")
            // Neighbouring blocks are untouched.
            #expect(try destination.reader(block: 1).bytes().allSatisfy { $0 == 0 })
        }
    }

    @Test func roundTripDeviceHostDiskDevice() throws {
        let directory = try KVTemporaryDirectory("round")
        let device = try BlockSet.simulatedDevice(layout(.fullyContiguous, blocks: 8))
        let host = try BlockSet.pinned(layout(.layerSeparate(outerContiguous: true), blocks: 8))
        let disk = try BlockSet.disk(layout(.fullyContiguous, blocks: 8), directory: directory.path)
        var originals: [[UInt8]] = []
        for block in 0..<8 {
            let bytes = pattern(device.layout.blockDataSize, seed: 100 + UInt64(block))
            var writer = try device.writer(block: block)
            try writer.write(bytes)
            originals.append(bytes)
        }
        for block in 0..<8 {
            var onHost = try host.writer(block: 7 - block)
            try onHost.copy(from: device.reader(block: block))
            var onDisk = try disk.writer(block: block)
            try onDisk.copy(from: onHost.freeze())
        }
        try (disk.storage as? DiskStorage)?.synchronize()
        let back = try BlockSet.simulatedDevice(layout(.layerSeparate(outerContiguous: false), blocks: 8))
        for block in 0..<8 {
            var onDevice = try back.writer(block: block)
            try onDevice.copy(from: disk.reader(block: block))
            #expect(try onDevice.reader.bytes() == originals[block])
        }
        let counters = try #require(back.storage as? SimulatedDeviceStorage).bytesCopied
        #expect(counters.toDevice == 8 * back.layout.blockDataSize)
    }

    @Test func nullStorageCopiesZerosAndSwallowsWrites() throws {
        let null = try BlockSet.null(layout(.fullyContiguous))
        let host = try BlockSet.system(layout(.fullyContiguous))
        var writer = try host.writer(block: 0)
        try writer.write(pattern(host.layout.blockDataSize, seed: 1))
        var nullWriter = try null.writer(block: 0)
        try nullWriter.copy(from: writer.reader)
        try writer.copy(from: null.reader(block: 0))
        #expect(try writer.reader.bytes().allSatisfy { $0 == 0 })
    }

    @Test func incompatibleShapesAreRefused() throws {
        let a = try BlockSet.system(layout(.fullyContiguous))
        let b = try BlockSet.system(BlockLayout(
            config: LayoutConfiguration(numBlocks: 3, numLayers: 3, outerDim: 1, pageSize: 16, innerDim: 64), kind: .fullyContiguous))
        var writer = try b.writer(block: 0)
        #expect {
            try writer.copy(from: a.reader(block: 0))
        } throws: { error in
            guard case .layout(.incompatibleLayouts(let reason)) = error as? BlockDataError else { return false }
            return reason.contains("3 layers × 2 outer") && reason.contains("3 layers × 1 outer")
        }
    }

    @Test func aFailedDiskTransferIsAnError() throws {
        let directory = try KVTemporaryDirectory("fail")
        let disk = try BlockSet.disk(layout(.fullyContiguous), directory: directory.path)
        let host = try BlockSet.system(layout(.fullyContiguous))
        // Truncate the file behind the storage's back: a read past its end is EIO, never zeros.
        let path = try #require(disk.storage as? DiskStorage).path
        #expect(truncate(path, 4096) == 0)
        var writer = try host.writer(block: 0)
        #expect(throws: BlockDataError.storage(.operationFailed(operation: "pread", path: path, errno: EIO))) {
            try writer.copy(from: disk.reader(block: 2))
        }
    }
}
