import Foundation
@_spi(BlockAccess) import MMSBKV
import MMSB
import Testing

private func layout(_ kind: LayoutKind = .fullyContiguous, blocks: Int = 4) throws -> BlockLayout {
    try BlockLayout(config: LayoutConfiguration(numBlocks: blocks, numLayers: 2, outerDim: 2, pageSize: 16, innerDim: 32), kind: kind)
}

private func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
}

private func fill(_ set: BlockSet, block: Int, seed: UInt64) throws -> [UInt8] {
    let bytes = pattern(set.layout.blockDataSize, seed: seed)
    var writer = try set.writer(block: block)
    try writer.write(bytes)
    return bytes
}

/// Export, import and use of another worker's blocks (shared memory and disk).
@Suite struct KVRemoteTests {
    @Test func exportImportAndReadByteExact() throws {
        let directory = try KVTemporaryDirectory("remote")
        let shared = try BlockSet.sharedMemory(layout(.layerSeparate(outerContiguous: true)))
        let disk = try BlockSet.disk(layout(), directory: directory.path)
        let a = try fill(shared, block: 2, seed: 1)
        let b = try fill(disk, block: 3, seed: 2)
        let export = try SerializedBlockset(workerID: 7, blocksets: [shared, disk])
        #expect(export.blocksets.map(\.storageKind) == [.sharedMemory, .disk])
        let wire = export.encoded()
        #expect(try SerializedBlockset(decoding: wire) == export)

        // The importer maps the shared memory a second time and opens the file again.
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(bytes: wire)
        #expect(peers.importedWorkers == [7])
        let blocks = try peers.remoteBlocks(
            export.blockDescriptors(blockset: 0, blocks: [2]) + export.blockDescriptors(blockset: 1, blocks: [3, 0]))
        #expect(try blocks[0].bytes() == a)
        #expect(try blocks[1].bytes() == b)
        #expect(try blocks[2].bytes().allSatisfy { $0 == 0 })

        // Copy a remote block into a local one of another layout.
        let local = try BlockSet.system(layout(.layerSeparate(outerContiguous: false)))
        var writer = try local.writer(block: 0)
        try blocks[0].copy(into: &writer)
        #expect(try writer.reader.bytes() == a)
    }

    @Test func remoteWritesAreSeenByTheOwner() throws {
        let directory = try KVTemporaryDirectory("remote-write")
        let shared = try BlockSet.sharedMemory(layout())
        let disk = try BlockSet.disk(layout(), directory: directory.path, options: .init(directIO: .disabled))
        let export = try SerializedBlockset(workerID: 9, blocksets: [shared, disk])
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(export)
        var targets = try peers.mutableRemoteBlocks(
            export.blockDescriptors(blockset: 0, blocks: [1]) + export.blockDescriptors(blockset: 1, blocks: [1]))
        let bytes = pattern(shared.layout.blockDataSize, seed: 3)
        try targets[0].write(bytes)
        let source = try BlockSet.pinned(layout())
        var sourceWriter = try source.writer(block: 0)
        try sourceWriter.write(bytes)
        try targets[1].copy(from: sourceWriter.reader)
        #expect(try shared.reader(block: 1).bytes() == bytes)
        #expect(try disk.reader(block: 1).bytes() == bytes)
        #expect(try targets[1].reader.bytes() == bytes)
        #expect(throws: RemoteBlocksetError.blockData(.wrongByteCount(count: 3, expected: shared.layout.blockDataSize))) {
            try targets[0].write([1, 2, 3])
        }
    }

    /// The owner moves whole blocks with O_DIRECT while an importer uses the page cache: each sees
    /// the other's writes (a direct write invalidates cached pages; a direct read flushes dirty ones).
    @Test func directAndBufferedSidesOfADiskFileAgree() throws {
        let directory = try KVTemporaryDirectory("coherent")
        let big = try BlockLayout(
            config: LayoutConfiguration(numBlocks: 4, numLayers: 2, outerDim: 2, pageSize: 16, innerDim: 64), kind: .fullyContiguous)
        let disk = try BlockSet.disk(big, directory: directory.path)
        let host = try BlockSet.pinned(big)
        let export = try SerializedBlockset(workerID: 8, blocksets: [disk])
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(export)
        let remote = try peers.mutableRemoteBlocks(export.blockDescriptors(blockset: 0, blocks: [1]))
        #expect(try remote[0].reader.bytes().allSatisfy { $0 == 0 })  // cached by the importer now
        for round in 0..<3 {
            let first = pattern(big.blockDataSize, seed: 40 + UInt64(round))
            var source = try host.writer(block: 0)
            try source.write(first)
            var owner = try disk.writer(block: 1)
            try owner.copy(from: source.reader)  // aligned pinned memory → O_DIRECT when supported
            #expect(try remote[0].reader.bytes() == first)
            let second = pattern(big.blockDataSize, seed: 50 + UInt64(round))
            var target = remote[0]
            try target.write(second)  // buffered, through the importer's descriptor
            var back = try host.writer(block: 2)
            try back.copy(from: disk.reader(block: 1))  // O_DIRECT read into aligned memory
            #expect(try back.reader.bytes() == second)
        }
    }

    @Test func staleDescriptorsAreRefused() throws {
        let directory = try KVTemporaryDirectory("stale")
        let shared = try BlockSet.sharedMemory(layout())
        let disk = try BlockSet.disk(layout(), directory: directory.path)
        let export = try SerializedBlockset(workerID: 1, blocksets: [shared, disk])
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(export)
        let held = try peers.remoteBlocks(export.blockDescriptors(blockset: 0, blocks: [0]))[0]
        #expect(try held.bytes().count == shared.layout.blockDataSize)

        try #require(shared.storage as? SharedMemoryStorage).advanceGeneration()
        #expect(throws: RemoteBlocksetError.stale(workerID: 1, blockset: 0, expected: 1, actual: 2)) { try held.bytes() }
        #expect(throws: RemoteBlocksetError.stale(workerID: 1, blockset: 0, expected: 1, actual: 2)) {
            try peers.remoteBlocks(export.blockDescriptors(blockset: 0, blocks: [1]))
        }
        try #require(disk.storage as? DiskStorage).advanceGeneration()
        #expect(throws: RemoteBlocksetError.stale(workerID: 1, blockset: 1, expected: 1, actual: 2)) {
            try peers.mutableRemoteBlocks(export.blockDescriptors(blockset: 1, blocks: [1]))
        }
        // Importing the old export again fails the same way; a fresh export works.
        #expect(throws: RemoteBlocksetError.self) { try peers.importRemoteBlockset(export) }
        let fresh = try SerializedBlockset(workerID: 1, blocksets: [shared, disk])
        try peers.importRemoteBlockset(fresh)
        #expect(try peers.remoteBlocks(fresh.blockDescriptors(blockset: 1, blocks: [3])).count == 1)
    }

    @Test func aClosedOwnerMakesHeldBlocksStaleAndImportsFail() throws {
        let peers = RemoteBlocksets()
        var export: SerializedBlockset?
        var held: RemoteBlock?
        do {
            let shared = try BlockSet.sharedMemory(layout())
            export = try SerializedBlockset(workerID: 5, blocksets: [shared])
            try peers.importRemoteBlockset(try #require(export))
            held = try peers.remoteBlocks(try #require(export).blockDescriptors(blockset: 0, blocks: [0])).first
        }
        // The owner's storage is gone: its header says generation 0 (closed) and the name is unlinked.
        #expect(throws: RemoteBlocksetError.stale(workerID: 5, blockset: 0, expected: 1, actual: 0)) { try held?.bytes() }
        #expect {
            try RemoteBlocksets().importRemoteBlockset(try #require(export))
        } throws: { error in
            guard case .storage(.operationFailed(let operation, _, let code)) = error as? RemoteBlocksetError else { return false }
            return operation == "shm_open" && code == ENOENT
        }
    }

    @Test func foreignDescriptorsAreRefused() throws {
        let shared = try BlockSet.sharedMemory(layout())
        let export = try SerializedBlockset(workerID: 3, blocksets: [shared])
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(export)
        #expect(throws: RemoteBlocksetError.unknownWorker(4)) {
            try peers.remoteBlocks([RemoteBlockDescriptor(workerID: 4, blockset: 0, blockID: 0, generation: 1)])
        }
        #expect(throws: RemoteBlocksetError.unknownBlockset(workerID: 3, index: 1)) {
            try peers.remoteBlocks([RemoteBlockDescriptor(workerID: 3, blockset: 1, blockID: 0, generation: 1)])
        }
        #expect(throws: RemoteBlocksetError.invalidBlockIndex(workerID: 3, blockset: 0, blockID: 4, count: 4)) {
            try peers.remoteBlocks([RemoteBlockDescriptor(workerID: 3, blockset: 0, blockID: 4, generation: 1)])
        }
        #expect(throws: RemoteBlocksetError.invalidBlockIndex(workerID: 3, blockset: 0, blockID: -1, count: 4)) {
            try export.blockDescriptors(blockset: 0, blocks: [-1])
        }
        // A descriptor whose storage id names another storage at the same location.
        var forged = export
        forged.blocksets[0].storageID ^= 1
        #expect {
            try RemoteBlocksets().importRemoteBlockset(forged)
        } throws: { error in
            guard case .foreignStorage(let location, let reason) = error as? RemoteBlocksetError else { return false }
            return location == forged.blocksets[0].location && reason.contains("storage id")
        }
        var resized = export
        resized.blocksets[0].byteCount += 4096
        #expect(throws: RemoteBlocksetError.self) { try RemoteBlocksets().importRemoteBlockset(resized) }
        #expect(throws: RemoteBlocksetError.notShareable(.system)) {
            try SerializedBlockset(workerID: 1, blocksets: [BlockSet.system(layout())])
        }
        peers.removeWorker(3)
        #expect(peers.importedWorkers.isEmpty)
    }

    @Test func everyCorruptionOfTheWireFormatIsAnError() throws {
        let shared = try BlockSet.sharedMemory(layout(.layerSeparate(outerContiguous: false)))
        let wire = try SerializedBlockset(workerID: 11, blocksets: [shared]).encoded()
        for index in wire.indices {
            var flipped = wire
            flipped[index] ^= 0x40
            #expect(throws: RemoteBlocksetError.self) { try SerializedBlockset(decoding: flipped) }
        }
        for length in 0..<wire.count {
            #expect(throws: RemoteBlocksetError.self) { try SerializedBlockset(decoding: Array(wire[0..<length])) }
        }
    }

    @Test func versionAndLayoutAreValidatedBehindAValidChecksum() throws {
        let shared = try BlockSet.sharedMemory(layout())
        let wire = try SerializedBlockset(workerID: 11, blocksets: [shared]).encoded()
        func resealed(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var body = Array(wire.dropLast(8))
            edit(&body)
            let checksum = XXH3.hash64(body, seed: 0)
            for shift in 0..<8 { body.append(UInt8(truncatingIfNeeded: checksum >> (8 * UInt64(shift)))) }
            return body
        }
        #expect(throws: RemoteBlocksetError.unsupportedVersion(2)) { try SerializedBlockset(decoding: resealed { $0[8] = 2 }) }
        // outerDim (bytes 24 + 4 + 4 + 8 + 4 = 44) set to 3.
        #expect {
            try SerializedBlockset(decoding: resealed { $0[44] = 3 })
        } throws: { error in
            guard case .corrupt(let reason, let offset) = error as? RemoteBlocksetError else { return false }
            return reason.contains("outerDim") && offset == 32
        }
        #expect(throws: RemoteBlocksetError.corrupt(reason: "unknown storage kind 9", offset: 28)) {
            try SerializedBlockset(decoding: resealed { $0[28] = 9 })
        }
    }

    @Test func goldenBytes() throws {
        let config = try LayoutConfiguration(numBlocks: 2, numLayers: 1, outerDim: 1, pageSize: 1, innerDim: 1)
        let export = SerializedBlocksetFixture.make(config: config)
        let hex = export.encoded().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let expected: [String] = [
            "4d4d53424b564253", "0100", "0000", "01000000", "0200000000000000",  // magic, version, flags, count, worker
            "00000000", "02", "00", "0000", "0200000000000000",                  // index, shm, fully contiguous, reserved, blocks
            "01000000", "01000000", "01000000", "01000000", "01000000", "02000000",  // layers, outer, page, inner, align, dtype
            "efcdab8967452301", "0100000000000000", "0400000000000000", "02000000", "2f78",  // id, generation, bytes, "/x"
        ]
        #expect(hex.hasPrefix(expected.joined()))
        #expect(export.encoded().count == 24 + 68 + 2 + 8)  // header, fixed block set fields, "/x", checksum
        #expect(try SerializedBlockset(decoding: export.encoded()) == export)
    }

    /// Another process writes into the shared-memory object and the disk file through the file
    /// system; the owner and an importer both see its bytes.
    @Test func anotherProcessSeesTheSameBytes() throws {
        let directory = try KVTemporaryDirectory("process")
        let shared = try BlockSet.sharedMemory(layout())
        let disk = try BlockSet.disk(layout(), directory: directory.path, options: .init(directIO: .disabled))
        let bytes = pattern(shared.layout.blockDataSize, seed: 77)
        let input = directory.path + "/block.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let sharedName = try #require(shared.storage as? SharedMemoryStorage).name
        let diskPath = try #require(disk.storage as? DiskStorage).path
        for target in ["/dev/shm" + sharedName, diskPath] {
            // Data starts after the 4 KiB header; block 2 of a fully contiguous layout at 2 × stride.
            let offset = 4096 + 2 * shared.layout.blockStride
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/dd")
            process.arguments = ["if=\(input)", "of=\(target)", "bs=\(offset)", "seek=1", "conv=notrunc", "status=none"]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        #expect(try shared.reader(block: 2).bytes() == bytes)
        #expect(try disk.reader(block: 2).bytes() == bytes)
        let export = try SerializedBlockset(workerID: 2, blocksets: [shared, disk])
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(export)
        let remote = try peers.remoteBlocks(export.blockDescriptors(blockset: 0, blocks: [2]) + export.blockDescriptors(blockset: 1, blocks: [2]))
        #expect(try remote.map { try $0.bytes() } == [bytes, bytes])
    }
}
