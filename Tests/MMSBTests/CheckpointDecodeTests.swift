import Foundation
import Testing
@_spi(Fuzzing) @testable import MMSB

/// Checkpoint inputs the fuzzer found, kept as regressions: each must be refused, never trap.
@Suite struct CheckpointDecodeTests {
    /// A real one-page checkpoint, as bytes.
    private static func checkpointBytes() throws -> (bytes: [UInt8], store: StoreID) {
        let directory = TemporaryDirectory()
        let store = StoreID(high: 9, low: 10)
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none, storeID: store, checkpointOnClose: false))
        try bus.write(page: try bus.createPage(size: 8), offset: 0, bytes: [1, 2, 3])
        let covered = try #require(try bus.checkpoint())
        try bus.close()
        let path = directory.path + "/ckpt/" + CheckpointFile.name(covered.rawValue)
        return (Array(try Data(contentsOf: URL(fileURLWithPath: path))), store)
    }

    private static func set64(_ bytes: inout [UInt8], _ value: UInt64, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { bytes[offset + index] = byte } }
    }

    @Test(arguments: [UInt64.max, UInt64.max - 1, 1 << 40])
    func hugePageCountsAreCorruptionNotAnOverflow(pageCount: UInt64) throws {
        var (bytes, store) = try Self.checkpointBytes()
        Self.set64(&bytes, pageCount, at: 40)
        Self.set64(&bytes, pageCount &+ 1, at: 48)
        FuzzEntryPoints.fixCheckpoint(&bytes)
        #expect(throws: LogError.self) {
            try bytes.withUnsafeBytes { raw in _ = try CheckpointFile.decode(raw, file: "x.ckpt", store: store) }
        }
    }

    @Test func theUnchangedCheckpointStillDecodes() throws {
        let (bytes, store) = try Self.checkpointBytes()
        let contents = try bytes.withUnsafeBytes { raw in try CheckpointFile.decode(raw, file: "x.ckpt", store: store) }
        #expect(contents.pages.count == 1)
        #expect(Array(contents.pages[0].bytes) == [1, 2, 3, 0, 0, 0, 0, 0])
    }
}
