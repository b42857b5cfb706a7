import ArgumentParser
import Foundation
import MMSB
@_spi(BlockAccess) import MMSBKV

/// `mmsb kv blockset …`: export a block set for other processes, and inspect or read one.
struct KVBlocksetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blockset",
        abstract: "Export, inspect and read remote blocksets (blocks another process reaches by shared memory or file).",
        subcommands: [KVBlocksetServeCommand.self, KVBlocksetInspectCommand.self, KVBlocksetReadCommand.self]
    )

    /// The demo layout: 2 layers × K/V × 16 tokens × 64 × 2 bytes = 8 KiB per block.
    static func demoLayout(blocks: Int) throws -> BlockLayout {
        try BlockLayout(config: LayoutConfiguration(numBlocks: blocks, numLayers: 2, outerDim: 2, pageSize: 16, innerDim: 64), kind: .fullyContiguous)
    }

    /// The line printed for a block's bytes.
    static func line(block: Int, bytes: [UInt8]) -> String {
        "block=\(block) bytes=\(bytes.count) xxh3=\(XXH3.hash64(bytes, seed: 0))"
    }
}

/// `mmsb kv blockset serve`: owns a block set until standard input ends.
struct KVBlocksetServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Create a block set, fill it, write its export, and keep it alive until standard input ends.",
        discussion: """
            Fills block b with SplitMix64(seed + b) bytes, writes the serialized blockset to --export, \
            prints `block=<b> bytes=<n> xxh3=<hash>` per block and then `ready`. Each line `advance` \
            read from standard input moves the storage to its next generation (descriptors exported \
            before become stale) and prints `generation=<g>`. At the end of standard input the block \
            set is freed, which other processes see as a closed storage.
            """
    )

    @Option(help: "Where the blocks live: shm (shared memory) or disk.")
    var storage = "shm"
    @Option(help: "Directory of the disk file (with --storage disk).")
    var directory = NSTemporaryDirectory()
    @Option(parsing: .unconditional, help: "Blocks in the block set (1 to 4096).")
    var blocks = 4
    @Option(parsing: .unconditional, help: "Worker id written in the export.")
    var worker: UInt64 = 1
    @Option(parsing: .unconditional, help: "Seed of the block contents.")
    var seed: UInt64 = 1
    @Option(help: "File to write the serialized blockset to.")
    var export: String

    func validate() throws {
        guard ["shm", "disk"].contains(storage) else { throw ValidationError("--storage must be shm or disk, not \(storage)") }
        guard (1...4096).contains(blocks) else { throw ValidationError("--blocks must be 1 to 4096, not \(blocks)") }
    }

    func run() throws {
        let layout = try KVBlocksetCommand.demoLayout(blocks: blocks)
        let set = storage == "shm" ? try BlockSet.sharedMemory(layout) : try BlockSet.disk(layout, directory: directory)
        for block in 0..<blocks {
            var random = SplitMix64(seed: seed &+ UInt64(block))
            let bytes = (0..<layout.blockDataSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var writer = try set.writer(block: block)
            try writer.write(bytes)
            emit(KVBlocksetCommand.line(block: block, bytes: bytes))
        }
        try CommandFile.write(SerializedBlockset(workerID: worker, blocksets: [set]).encoded(), to: export)
        emit("ready")
        while let line = readLine() {
            guard line == "advance" else { continue }
            let generation: UInt64
            if let shared = set.storage as? SharedMemoryStorage {
                generation = shared.advanceGeneration()
            } else if let disk = set.storage as? DiskStorage {
                generation = try disk.advanceGeneration()
            } else {
                continue
            }
            emit("generation=\(generation)")
        }
    }
}

/// Writes `line` to standard output at once (unbuffered: a parent process waits for these lines).
private func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// `mmsb kv blockset inspect <file>`: what a serialized blockset says.
struct KVBlocksetInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Decode and validate a serialized blockset and print its fields."
    )

    @Argument(help: "The serialized blockset file.")
    var file: String

    @OptionGroup var output: JSONOutputOption

    /// A storage kind as one camelCase word, for scripts.
    static func name(_ kind: StorageKind) -> String {
        switch kind {
        case .system: "system"
        case .pinned: "pinned"
        case .device: "device"
        case .disk: "disk"
        case .sharedMemory: "sharedMemory"
        case .null: "null"
        }
    }

    /// `kv blockset inspect --json`: the export's fields.
    struct Report: Encodable {
        struct Layout: Encodable {
            var numBlocks: Int
            var numLayers: Int
            var outerDim: Int
            var pageSize: Int
            var innerDim: Int
            var alignment: Int
            var dtypeWidthBytes: Int
        }

        struct Blockset: Encodable {
            var index: UInt32
            var storageKind: String
            var location: String
            var storageID: UInt64
            var generation: UInt64
            var byteCount: UInt64
            var layoutKind: String
            var layout: Layout
        }

        var workerID: UInt64
        var blocksets: [Blockset]
    }

    func run() throws {
        let export = try SerializedBlockset(decoding: try CommandFile.read(file))
        if output.json {
            try JSONOutput.print(
                Report(
                    workerID: export.workerID,
                    blocksets: export.blocksets.map { set in
                        let c = set.config
                        return Report.Blockset(
                            index: set.index, storageKind: Self.name(set.storageKind), location: set.location, storageID: set.storageID,
                            generation: set.generation, byteCount: set.byteCount, layoutKind: "\(set.layoutKind)",
                            layout: .init(
                                numBlocks: c.numBlocks, numLayers: c.numLayers, outerDim: c.outerDim, pageSize: c.pageSize, innerDim: c.innerDim,
                                alignment: c.alignment, dtypeWidthBytes: c.dtypeWidthBytes))
                    }))
            return
        }
        print("worker \(export.workerID), \(export.blocksets.count) block set(s)")
        for set in export.blocksets {
            print("block set \(set.index): \(set.storageKind) at \(set.location), id \(String(set.storageID, radix: 16)), "
                + "generation \(set.generation), \(set.byteCount) bytes")
            print("  \(set.layoutKind) layout of \(set.config)")
        }
    }
}

/// `mmsb kv blockset read`: import a serialized blockset and read one block of it.
struct KVBlocksetReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Import a serialized blockset and print the size and xxh3 of some of its blocks.",
        discussion: "Prints `block=<b> bytes=<n> xxh3=<hash>` per block; a stale or foreign descriptor is an error."
    )

    @Option(help: "The serialized blockset file.")
    var export: String
    @Option(parsing: .unconditional, help: "The block set's index in the export.")
    var blockset: UInt32 = 0
    @Argument(help: "Block indices.")
    var blocks: [Int] = []

    @OptionGroup var output: JSONOutputOption

    /// One line of `kv blockset read --json`.
    struct BlockLine: Encodable {
        var block: Int
        var bytes: Int
        var xxh3: UInt64
    }

    func validate() throws {
        guard !blocks.isEmpty else { throw ValidationError("give the indices of the blocks to read (for example: 0 1 2)") }
        if let negative = blocks.first(where: { $0 < 0 }) { throw ValidationError("block indices start at 0, not \(negative)") }
    }

    func run() throws {
        let serialized = try SerializedBlockset(decoding: try CommandFile.read(export))
        let peers = RemoteBlocksets()
        try peers.importRemoteBlockset(serialized)
        let remote = try peers.remoteBlocks(serialized.blockDescriptors(blockset: blockset, blocks: blocks))
        for (block, handle) in zip(blocks, remote) {
            let bytes = try handle.bytes()
            if output.json {
                try JSONOutput.print(BlockLine(block: block, bytes: bytes.count, xxh3: XXH3.hash64(bytes, seed: 0)))
            } else {
                print(KVBlocksetCommand.line(block: block, bytes: bytes))
            }
        }
    }
}
