import CrashStateSupport
import Foundation
import MMSB
@testable import MMSBKV
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The disk tier's promise under power loss (issue 9), checked the way the store's is: the calls of
/// a workload on a ``DiskStorage`` are recorded, every state a crash can leave is built from them
/// (see `CrashStateGenerator`), and each is opened as another worker would (`RemoteDiskStorage`, the
/// path an import takes).
///
/// The promise: once `DiskStorage.init` returns, the file exists with a valid header and its size;
/// once `synchronize()` returns, every block written before reads back as written; once
/// `advanceGeneration()` returns, the new generation is the one the header shows. A block written
/// after the last `synchronize()` may hold, sector by sector, any version it had since then, or
/// zeros, but never bytes nobody wrote there.
@Suite struct DiskStorageCrashStateTests {
    static let blockBytes = 4_096
    static let blocks = 6
    static let sector = 512

    /// The bytes of `block` at `version` (version 0: the zeros of a new file).
    static func content(block: Int, version: Int) -> [UInt8] {
        guard version > 0 else { return [UInt8](repeating: 0, count: blockBytes) }
        return (0..<blockBytes).map { UInt8(truncatingIfNeeded: ($0 / 7) &* 31 &+ block &* 17 &+ version &* 101 &+ 1) | 1 }
    }

    /// What the workload did, with the trace positions where it did it.
    final class Journal {
        /// A write begun when the trace was `start` operations long: a whole block, or (`partial`)
        /// sectors 2 ..< 5 of it.
        struct Write {
            var start: Int
            var block: Int
            var version: Int
            var partial = false
        }
        /// Once the trace is `point` operations long, everything written before is durable, and
        /// the header shows `generation`.
        struct Promise {
            var point: Int
            var generation: UInt64
        }

        var writes: [Write] = []
        var promises: [Promise] = []
        /// Generations set (start position, value), including the closed mark 0.
        var generations: [(start: Int, value: UInt64)] = []
        var path = ""
        var storageID: UInt64 = 0
        /// The trace position where creation returned.
        var created = Int.max

        /// The last promise made at or before `point`.
        func promise(at point: Int) -> Promise? { promises.last { $0.point <= point } }

        /// The contents `block` went through, each with the position where the write that gave it began.
        func history(of block: Int) -> [(start: Int, bytes: [UInt8])] {
            var bytes = content(block: block, version: 0)
            var result: [(Int, [UInt8])] = [(0, bytes)]
            for write in writes where write.block == block {
                let new = content(block: block, version: write.version)
                if write.partial {
                    bytes.replaceSubrange(partialRange, with: new[partialRange])
                } else {
                    bytes = new
                }
                result.append((write.start, bytes))
            }
            return result
        }
    }

    /// The bytes of a block that a partial write covers: sectors 2 ..< 5.
    static let partialRange = (2 * sector)..<(5 * sector)

    /// Creates the storage, then in four rounds writes some blocks (whole, and part of block 2) and
    /// synchronizes; the third round also advances the generation; a fifth round writes without a
    /// sync and the storage goes away (its closed mark written, not synced).
    static func workload(_ directory: String, recorder: FileSystemRecorder, journal: Journal) throws {
        var storage: DiskStorage? = try DiskStorage(
            directory: directory, byteCount: blocks * blockBytes, options: .init(directIO: .automatic, removeFileOnClose: false))
        journal.created = recorder.count
        journal.path = storage!.path
        journal.storageID = storage!.storageID
        journal.promises.append(.init(point: recorder.count, generation: 1))
        var generation: UInt64 = 1
        for round in 1...5 {
            for block in 0..<blocks where (block + round) % 3 != 0 {
                let write = Journal.Write(start: recorder.count, block: block, version: round * 10 + block, partial: block == 2)
                journal.writes.append(write)
                let bytes = content(block: block, version: write.version)
                let range = write.partial ? partialRange : 0..<blockBytes
                try Array(bytes[range]).withUnsafeBytes { try storage!.write($0, at: block * blockBytes + range.lowerBound) }
            }
            if round == 3 {
                journal.generations.append((recorder.count, generation + 1))
                generation = try storage!.advanceGeneration()
            }
            guard round < 5 else { break }
            try storage!.synchronize()
            journal.promises.append(.init(point: recorder.count, generation: generation))
        }
        journal.generations.append((recorder.count, StorageHeader.closedGeneration))
        storage = nil
    }

    /// A descriptor of the storage file at `path`, as an export names it.
    static func descriptor(_ path: String, storageID: UInt64) throws -> BlocksetDescriptor {
        let config = try LayoutConfiguration(numBlocks: blocks, numLayers: 1, outerDim: 1, pageSize: 16, innerDim: 128, alignment: 4_096, dtypeWidthBytes: 2)
        return BlocksetDescriptor(
            index: 0, config: config, layoutKind: .fullyContiguous, storageKind: .disk, location: path, storageID: storageID,
            generation: 1, byteCount: UInt64(blocks * blockBytes))
    }

    /// What is wrong with the file of a crash state after `point` operations.
    static func violations(_ directory: String, point: Int, journal: Journal) throws -> [String] {
        let path = directory + "/" + URL(fileURLWithPath: journal.path).lastPathComponent
        let remote: RemoteDiskStorage
        do {
            remote = try RemoteDiskStorage(try descriptor(path, storageID: journal.storageID))
        } catch let error as RemoteBlocksetError {
            // Before creation returned, a missing or partial file is allowed: the error is typed.
            return point < journal.created ? [] : ["the storage does not open after its creation returned: \(error)"]
        }
        guard let promise = journal.promise(at: point) else { return [] }
        var problems: [String] = []
        do {
            let generation = try remote.currentGeneration()
            let since = journal.generations.filter { $0.start < point }.map(\.value)
            if generation != promise.generation, !since.contains(generation) {
                problems.append("generation \(generation), but \(promise.generation) was durable and \(since) set since")
            }
            for block in 0..<blocks {
                var bytes = [UInt8](repeating: 0, count: blockBytes)
                try bytes.withUnsafeMutableBytes { try remote.read(into: $0, at: block * blockBytes) }
                let history = journal.history(of: block)
                // The content at the promise, and every content a write begun before the crash gave.
                let durable = history.last { $0.start < promise.point }!.bytes
                let possible = [durable] + history.filter { $0.start >= promise.point && $0.start < point }.map(\.bytes)
                if possible.count == 1 {
                    if bytes != durable { problems.append("block \(block) lost its synchronized content") }
                    continue
                }
                for index in 0..<(blockBytes / sector) {
                    let range = (index * sector)..<((index + 1) * sector)
                    let found = bytes[range]
                    guard !found.allSatisfy({ $0 == 0 }), !possible.contains(where: { $0[range] == found }) else { continue }
                    problems.append("block \(block), sector \(index): bytes no write put there")
                    break
                }
            }
        } catch {
            problems.append("reading the storage failed: \(error)")
        }
        return problems
    }

    /// A scratch area with an empty `kv/` directory under a recorder's root, recording from now on.
    static func recording(_ label: String) throws -> (scratch: CrashScratch, directory: String, recorder: FileSystemRecorder) {
        let scratch = CrashScratch(label)
        let root = scratch.directory("workload")
        try FileManager.default.createDirectory(atPath: root + "/kv", withIntermediateDirectories: true)
        return (scratch, root + "/kv", try FileSystemRecorder(root: root))
    }

    @Test func everyCrashStateKeepsWhatWasSynchronized() throws {
        let (scratch, directory, recorder) = try Self.recording("kv-disk")
        let journal = Journal()
        try Self.workload(directory, recorder: recorder, journal: journal)
        recorder.stop()
        let generator = CrashStateGenerator(recorder)
        var violations: [String] = []
        let states = try generator.forEachState(.fromEnvironment(ciStates: 300)) { state in
            let stateRoot = scratch.directory("state")
            defer { scratch.remove(stateRoot) }
            do {
                try state.image.materialize(in: stateRoot)
            } catch {
                violations.append("state after \(state.point) operations could not be built: \(error)")
                return
            }
            for problem in try Self.violations(stateRoot + "/kv", point: state.point, journal: journal) {
                violations.append("after \(state.point) operations, \(state.how): \(problem)")
            }
        }
        print("crash states kv-disk: \(generator.operations.count) operations, \(states) crash states, \(violations.count) violations")
        #expect(generator.operations.count > 20)
        #expect(states > 50)
        #expect(violations.isEmpty, "\(violations.count) violations, the first: \(violations.prefix(3).joined(separator: "\n"))")
    }

    /// The check can fail: a storage whose creation skipped its syncs loses its file in some state.
    @Test func theCheckCatchesAnUnsyncedCreation() throws {
        let (scratch, directory, recorder) = try Self.recording("kv-disk-unsynced")
        let journal = Journal()
        // The file made as the storage did before issue 9: created, sized, header written, no sync.
        let path = directory + "/mmsb-kv-1.blocks"
        let file = try KVFile.open(path, flags: O_RDWR | O_CREAT | O_EXCL)
        try file.truncate(to: StorageHeader.size + Self.blocks * Self.blockBytes)
        try file.write(StorageHeader(kindCode: 1, storageID: 1, dataBytes: UInt64(Self.blocks * Self.blockBytes), generation: 1).encoded(), at: 0)
        journal.created = recorder.count
        journal.path = path
        journal.storageID = 1
        journal.promises.append(.init(point: recorder.count, generation: 1))
        journal.writes.append(.init(start: recorder.count, block: 0, version: 10))
        try Self.content(block: 0, version: 10).withUnsafeBytes { try file.write($0.baseAddress!, count: $0.count, at: StorageHeader.size) }
        try file.synchronizeData()
        journal.promises.append(.init(point: recorder.count, generation: 1))
        recorder.stop()
        var violated = 0
        try CrashStateGenerator(recorder).forEachState(.exhaustive) { state in
            let stateRoot = scratch.directory("state")
            defer { scratch.remove(stateRoot) }
            try state.image.materialize(in: stateRoot)
            if try !Self.violations(stateRoot + "/kv", point: state.point, journal: journal).isEmpty { violated += 1 }
        }
        #expect(violated > 0, "no state lost the unsynced file")
    }
}
