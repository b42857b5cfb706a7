@_spi(Fuzzing) import MMSB
import Foundation

/// Writes the seed corpora of the fuzz targets into `<directory>/<Target>/` (default `corpus`):
/// a small real store made with `StateBus.open` (its segment header, manifest slot, records and whole
/// segment), and the original formats' golden bytes from the spec (§6.1, §6.2, §3.1).
///
/// Deterministic: a fixed store id and a manual clock give the same bytes on every run.
@main
struct FuzzSeeds {
    static func main() throws {
        let arguments = CommandLine.arguments
        let root = arguments.count > 1 ? arguments[1] : "corpus"
        let files = FileManager.default

        // A small real store.
        let store = files.temporaryDirectory.appendingPathComponent("mmsb-fuzz-seeds-\(getpid())").path
        defer { if getenv("KEEP_SEED_STORE") == nil { try? files.removeItem(atPath: store) } }
        let clock = ManualWallClock(nanoseconds: 1_700_000_000_000_000_000)
        let options = StoreOptions(
            durability: .none, storeID: StoreID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210),
            bus: StateBus.Configuration(deviceMemory: .emulateInHostMemory, clock: clock))
        let bus = try StateBus.open(at: store, options: options)
        let first = try bus.createPage(size: 64, metadata: ["key": Array("abc123".utf8)])
        let second = try bus.createPage(size: 16, location: .unified)
        clock.advance(by: 1_000)
        try bus.write(page: first, offset: 0, bytes: Array("mmsb-delta-proof".utf8))
        clock.advance(by: 250)
        try bus.write(page: second, offset: 4, bytes: [1, 2, 3], source: .custom("seed"), intent: "why")
        try bus.apply(
            Delta(page: first, epoch: Epoch(7), runs: [(offset: 1, bytes: [9, 9]), (offset: 40, bytes: [8])], source: .compute))
        try bus.apply([
            Delta(page: first, epoch: Epoch(8), offset: 60, bytes: [0xFF, 0xEE]),
            Delta(page: second, epoch: Epoch(2), offset: 0, bytes: [0x42]),
        ])
        try bus.setMetadata(["a": [], "bb": [1]], of: second)
        let third = try bus.createPage(size: 8)
        try bus.deletePage(third)
        // Graph records (types 16–18); no rule is registered, so no wave runs.
        try bus.addEdge(from: first, to: second, type: .data)
        try bus.addEdge(from: first, to: second, type: .control)
        try bus.setWeight(EdgeWeight(2.5), from: first, to: second)
        try bus.removeEdge(from: first, to: second, type: .control)
        // Read the files before closing: closing may checkpoint and retire the segment.
        try bus.sync()

        let log = store + "/log"
        guard let name = try files.contentsOfDirectory(atPath: log).filter({ $0.hasSuffix(".seg") }).sorted().first,
              let segment = files.contents(atPath: log + "/" + name).map(Array.init),
              let manifest = files.contents(atPath: store + "/MANIFEST").map(Array.init),
              segment.count > 64, manifest.count >= 72
        else { throw SeedError.storeMissing(store) }
        try bus.close()
        let records = segment.withUnsafeBytes { FuzzEntryPoints.reframedRecords(ofSegment: $0) }
        guard !records.isEmpty else { throw SeedError.storeMissing(store) }

        let fix: UInt8 = 0x80
        try write(root, "FuzzLog", "seed-header", [0] + segment[0..<64])
        try write(root, "FuzzLog", "seed-manifest", [1] + manifest[0..<72])
        try write(root, "FuzzLog", "seed-records", [2] + records)
        try write(root, "FuzzLog", "seed-records-fix", [2 | fix] + records)
        try write(root, "FuzzLog", "seed-segment", [3] + segment)
        try write(root, "FuzzLog", "seed-segment-fix", [3 | fix] + segment)
        try write(root, "FuzzLog", "seed-replay", [4] + records)
        try write(root, "FuzzLog", "seed-replay-fix", [4 | fix] + records)

        // Every log seed must decode; the counts show how deep each one reaches.
        let checks: [(String, [UInt8], (UnsafeRawBufferPointer, Bool) -> FuzzEntryPoints.Outcome, Int)] = [
            ("header", Array(segment[0..<64]), { FuzzEntryPoints.segmentHeader($0, fixChecksums: $1) }, 1),
            ("manifest", Array(manifest[0..<72]), { FuzzEntryPoints.manifestSlot($0, fixChecksums: $1) }, 1),
            ("records", records, { FuzzEntryPoints.records($0, fixChecksums: $1) }, 2),
            ("segment", segment, { FuzzEntryPoints.segment($0, fixChecksums: $1) }, 3),
            ("replay", records, { FuzzEntryPoints.replay($0, fixChecksums: $1) }, 2),
        ]
        for (name, bytes, entry, minimum) in checks {
            for fix in [false, true] {
                let outcome = bytes.withUnsafeBytes { entry($0, fix) }
                print("FuzzLog seed \(name)\(fix ? " (checksums fixed)" : ""): \(outcome.decoded) decoded")
                guard outcome.decoded >= minimum, outcome.mismatch == nil else { throw SeedError.seedDoesNotDecode(name) }
            }
        }

        // Legacy formats (spec §6.1, §6.2): the golden v2 frame, the v1 frame of tests/mmsb.tlog, a
        // sparse v2 frame with intent, and checkpoints.
        let logV2 = Array("MMSBLOG1".utf8) + u32(2) + hex(
            "0100000000000000 0100000000000000 01000000 02000000 0101 02000000 AABB 00 0100000000000000 04000000 74657374 00000000")
        let frameV1 = u64(1) + u64(1) + u32(1) + u32(16) + [UInt8](repeating: 1, count: 6) + [UInt8](repeating: 0, count: 10)
            + u32(16) + Array(1...16) + [0] + u64(0) + u32(4) + Array("test".utf8)
        let logV1 = Array("MMSBLOG1".utf8) + u32(1) + frameV1 + frameV1
        let sparseV2 = Array("MMSBLOG1".utf8) + u32(2) + u64(5) + u64(3) + u32(9) + u32(5) + [1, 0, 1, 0, 1] + u32(3)
            + [10, 50, 90] + [1] + u64(123) + u32(4) + Array("user".utf8) + u32(6) + Array("intent".utf8)
        try write(root, "FuzzLegacy", "seed-log-v2", [0] + logV2)
        try write(root, "FuzzLegacy", "seed-log-v1", [0] + logV1)
        try write(root, "FuzzLegacy", "seed-log-v2-sparse", [0] + sparseV2)
        let metadataBlob = hex("01000000 03000000 6B6579 06000000 616263313233")
        let snapshot = Array("MMSBSNAP".utf8) + u32(2) + u32(1) + u64(0) + u64(7) + u64(4) + u32(3) + u32(0) + u32(0)
            + u32(4) + [1, 2, 3, 4]
        let snapshot2 = Array("MMSBSNAP".utf8) + u32(1) + u32(2) + u64(1552)
            + u64(1) + u64(2) + u32(1) + u32(1) + u32(UInt32(metadataBlob.count)) + metadataBlob + u32(2) + [0xAA, 0xBB]
            + u64(2) + u64(1) + u32(0) + u32(2) + u32(0) + u32(1) + [0x55]
        try write(root, "FuzzLegacy", "seed-snapshot", [1] + snapshot)
        try write(root, "FuzzLegacy", "seed-snapshot-2", [1] + snapshot2)

        // Every legacy seed must parse.
        for (name, log) in [("log-v2", logV2), ("log-v1", logV1), ("log-v2-sparse", sparseV2)] {
            let parsed = try LegacyTransactionLog(bytes: log)
            print("FuzzLegacy seed \(name): \(parsed.entries.count) frames, \(try parsed.deltas().deltas.count) deltas")
        }
        for (name, file) in [("snapshot", snapshot), ("snapshot-2", snapshot2)] {
            print("FuzzLegacy seed \(name): \(try LegacySnapshot(bytes: file).pages.count) pages")
        }

        // Metadata blobs (§3.1).
        try write(root, "FuzzMetadata", "seed-one", metadataBlob)
        try write(root, "FuzzMetadata", "seed-two", PageMetadata(entries: [("a", []), ("bb", [1, 2])]).blob)
        try write(root, "FuzzMetadata", "seed-empty", [])
    }

    enum SeedError: Error {
        case storeMissing(String)
        case seedDoesNotDecode(String)
    }

    static func write(_ root: String, _ target: String, _ name: String, _ bytes: [UInt8]) throws {
        let directory = root + "/" + target
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
    }

    static func u32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func u64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    /// Bytes from hex digits; spaces are ignored.
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace }.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}
