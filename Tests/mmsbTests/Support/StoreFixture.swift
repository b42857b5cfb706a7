import Foundation
import MMSB
import Testing

/// A store with a known history of 10 records at fixed times:
///
/// | LSN | change |
/// |---|---|
/// | 1 | create page 1 (32 bytes, metadata name=first) |
/// | 2 | create page 2 (16 bytes) |
/// | 3 | delta 1: "hello" into page 1 (user), epoch 1 |
/// | 4 | delta 2: 4 bytes into page 2 (compute), epoch 1 |
/// | 5 | deltas 3–4: a batch into pages 1 and 2 (importer), epoch 2 |
/// | 6 | delta 5: "HELLO" into page 1 (user), epoch 3 |
/// | 7 | create page 3 |
/// | 8 | delete page 3 |
/// | 9 | delta 6: page 2 (compute), epoch 3 |
/// | 10 | delta 7: page 2 (compute), epoch 4 |
enum Fixture {
    static let records: UInt64 = 10

    /// The timestamp of record `lsn`: 1,000 ns apart from 2023-11-14T22:13:20Z on.
    static func time(_ lsn: UInt64) -> UInt64 { 1_700_000_000_000_000_000 + lsn * 1_000 }

    /// Writes the fixture's ten records at `path`. With `cleanClose` false the log is synced and the
    /// bus dropped, as a process killed after its last call would leave it: no clean end is recorded,
    /// so bytes added after the last record are a torn tail rather than damage.
    static func make(
        at path: String, id: StoreID = StoreID(high: 0x1234, low: 0x5678), keepHistory: Bool = true, cleanClose: Bool = true
    ) throws {
        let clock = ManualWallClock()
        let options = StoreOptions(
            durability: .none, storeID: id, bus: .init(clock: clock), checkpointOnClose: false, keepHistory: keepHistory)
        let bus = try StateBus.open(at: path, options: options)
        var lsn: UInt64 = 0
        func tick() {
            lsn += 1
            clock.set(nanoseconds: time(lsn))
        }
        tick()
        let one = try bus.createPage(size: 32, metadata: ["name": Array("first".utf8)])
        tick()
        let two = try bus.createPage(size: 16)
        tick()
        try bus.write(page: one, offset: 0, bytes: Array("hello".utf8))
        tick()
        try bus.write(page: two, offset: 4, bytes: [1, 2, 3, 4], source: .compute)
        tick()
        try bus.apply([
            try Delta(page: one, epoch: 2, offset: 8, bytes: Array("batch".utf8), source: .custom("importer")),
            try Delta(page: two, epoch: 2, offset: 0, bytes: [9], source: .custom("importer")),
        ])
        tick()
        try bus.write(page: one, offset: 0, bytes: Array("HELLO".utf8))
        tick()
        let three = try bus.createPage(size: 8)
        tick()
        try bus.deletePage(three)
        tick()
        try bus.write(page: two, offset: 15, bytes: [7], source: .compute)
        tick()
        try bus.write(page: two, offset: 14, bytes: [6], source: .compute)
        if cleanClose { try bus.close() } else { try bus.sync() }
    }

    /// Every file under `path` with its bytes, to show that a command changed nothing.
    static func contents(of path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: path))
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = FileManager.default.contents(atPath: path + "/" + name) ?? Data()
            }
        }
        return files
    }

    static let firstSegment = "log/00000000000000000001.seg"

    /// The store's latest state, rebuilt read-only.
    static func latest(_ store: String) throws -> StateView {
        let summary = try StateBus.summary(ofStoreAt: store)
        return try StateBus.open(at: store, asOf: .lsn(max(summary.lastLSN, summary.checkpointLSN)))
    }
}

/// Checks that a run failed cleanly: non-zero status and exactly one `Error:` line on standard error.
func expectCleanFailure(_ run: MMSBRun, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status != 0, "stdout: \(run.output)", sourceLocation: sourceLocation)
    let lines = run.error.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(run.error)", sourceLocation: sourceLocation)
    #expect(lines.first?.hasPrefix("Error: ") == true, "stderr: \(run.error)", sourceLocation: sourceLocation)
    #expect(run.error.contains(text), "stderr: \(run.error)", sourceLocation: sourceLocation)
    #expect(!run.error.contains("Fatal error"), sourceLocation: sourceLocation)
    #expect(!run.error.contains("Stack dump"), sourceLocation: sourceLocation)
}

/// Parses one JSON object.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
