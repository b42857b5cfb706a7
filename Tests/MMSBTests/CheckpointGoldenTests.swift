import Foundation
import MMSB
import Testing

/// The checkpoint file of docs/FORMAT.md, byte by byte.
@Suite struct CheckpointGoldenTests {
    private static func u16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    private static func u32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    private static func u64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    private static func crc(_ bytes: [UInt8]) -> UInt32 { CRC32C.checksum(bytes) }

    /// One 4-byte page (id 1, epoch 1, metadata k=[7]) written once; the checkpoint covers its marker, LSN 4.
    @Test func aOnePageCheckpointIsExactlyTheDocumentedBytes() throws {
        let directory = TemporaryDirectory()
        let store = StoreID(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718)
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(
            durability: .none, storeID: store, bus: .init(clock: ManualWallClock(nanoseconds: 5)),
            checkpointEveryLogBytes: nil, checkpointOnClose: false))
        try bus.createPage(size: 4, metadata: ["k": [7]])
        try bus.write(page: 1, offset: 0, bytes: [1, 2, 3, 4])
        try bus.deletePage(try bus.createPage(size: 1))
        let covered = try #require(try bus.checkpoint())
        #expect(covered == 5)
        try bus.close()
        let actual = Array(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/ckpt/00000000000000000005.ckpt")))

        var header = Array("MMSBCKPT".utf8) + Self.u16(1) + Self.u16(1) + Self.u32(64)  // format 1.1
        header += Self.u64(store.high) + Self.u64(store.low)
        header += Self.u64(5)          // covered LSN
        header += Self.u64(1)          // pages
        header += Self.u64(2)          // sections: counters + one page
        header += Self.u32(0)          // flags
        header += Self.u32(Self.crc(header))

        let counters = Self.u64(2) + Self.u64(2)      // highest page id ever used 2 (deleted), next delta id 2
        var sections = [UInt8(1), 0, 0, 0] + Self.u32(Self.crc(counters)) + Self.u64(UInt64(counters.count)) + counters
        let blob: [UInt8] = [1, 0, 0, 0, 1, 0, 0, 0, 0x6B, 1, 0, 0, 0, 7]
        let page = Self.u64(1) + Self.u64(4) + [0] + Self.u64(1) + Self.u32(UInt32(blob.count)) + blob + [1, 2, 3, 4]
        sections += [UInt8(2), 0, 0, 0] + Self.u32(Self.crc(page)) + Self.u64(UInt64(page.count)) + page

        let body = header + sections
        let trailer = Array("MMSBEND".utf8) + [0] + Self.u64(2) + Self.u64(UInt64(body.count + 32)) + Self.u32(Self.crc(body)) + Self.u32(0)
        let expected = body + trailer
        #expect(actual.count == expected.count)
        #expect(actual == expected)
        #expect(actual.count == 64 + (16 + 16) + (16 + 47) + 32)
    }
}
