import Foundation
@testable import MMSB
import Testing

/// `StateBus.recoveryPlan(forStoreAt:recovery:)` tells exactly what opening the store for writing then
/// does, and changes nothing: for each kind of damage a crash or a disk can leave, the plan is taken,
/// every file compared, the store opened, and the plan compared with the open's report.
@Suite struct RecoveryPlanTests {
    /// Every file under the store with its bytes.
    private static func files(_ path: String) throws -> [String: Data] {
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

    /// A rotated store (4 KiB segments) left as a killed process leaves it, then damaged by `damage`.
    private static func store(at path: String, damage: (_ segments: [String]) throws -> Void) throws {
        let operations = StoreFixture.operations(count: 300, seed: 11)
        try StoreFixture.build(at: path, operations, options: StoreFixture.options(segmentSize: 4_096), cleanClose: false)
        let segments = try StoreFixture.segments(path)
        try #require(segments.count >= 3)
        try damage(segments)
    }

    enum Damage: String, CaseIterable {
        case none, tornTail, flippedBitInASealedSegment, missingMiddleSegment, unfinishedLastSegment
    }

    private static func apply(_ damage: Damage, to segments: [String]) throws {
        switch damage {
        case .none:
            break
        case .tornTail:
            let last = try StoreFixture.read(segments.last!)
            try StoreFixture.write(last + [0x30, 0x00, 0x00, 0x07], to: segments.last!)
        case .flippedBitInASealedSegment:
            var bytes = try StoreFixture.read(segments[1])
            let ends = StoreFixture.recordEnds(bytes)
            bytes[ends[3] - 1] ^= 0x10
            try StoreFixture.write(bytes, to: segments[1])
        case .missingMiddleSegment:
            try FileManager.default.removeItem(atPath: segments[1])
        case .unfinishedLastSegment:
            let next = StoreFixture.baseLSN(segments.last!) + UInt64(StoreFixture.recordEnds(try StoreFixture.read(segments.last!)).count)
            let name = String(repeating: "0", count: 20 - String(next).count) + String(next) + ".seg"
            try StoreFixture.write([UInt8](repeating: 0, count: 64), to: (segments.last! as NSString).deletingLastPathComponent + "/" + name)
        }
    }

    @Test(arguments: Damage.allCases, [RecoveryMode.tolerateTornTail, .salvage])
    func thePlanIsWhatOpeningDoes(damage: Damage, mode: RecoveryMode) throws {
        let directory = TemporaryDirectory()
        try Self.store(at: directory.path) { try Self.apply(damage, to: $0) }
        let before = try Self.files(directory.path)
        var plan: RecoveryReport?
        var planError: LogError?
        do { plan = try StateBus.recoveryPlan(forStoreAt: directory.path, recovery: mode) } catch let error as LogError { planError = error }
        #expect(try Self.files(directory.path) == before, "the plan changed no file")

        var report: RecoveryReport?
        var openError: LogError?
        do {
            let bus = try StateBus.open(at: directory.path, options: StoreFixture.options(segmentSize: 4_096, recovery: mode))
            report = bus.recoveryReport
            try bus.close()
        } catch let error as LogError {
            openError = error
        }
        #expect(planError == openError)
        if let plan, let report {
            #expect(plan.tornTail == report.tornTail)
            #expect(plan.salvaged == report.salvaged)
            #expect(plan.unfinishedSegment == report.unfinishedSegment)
            #expect(plan.lastLSN == report.lastLSN)
            #expect(plan.recordsReplayed == report.recordsReplayed)
        }
        // What each damage must give, so that the comparison above is not between two empty reports.
        switch (damage, mode) {
        case (.none, _): #expect(plan?.tornTail == nil && plan?.salvaged == nil)
        case (.tornTail, _): #expect(plan?.tornTail?.bytesDropped == 4)
        case (.unfinishedLastSegment, _): #expect(plan?.unfinishedSegment != nil)
        case (.flippedBitInASealedSegment, .tolerateTornTail), (.missingMiddleSegment, .tolerateTornTail): #expect(planError != nil)
        case (.flippedBitInASealedSegment, .salvage), (.missingMiddleSegment, .salvage):
            #expect((plan?.salvaged?.recordsDropped ?? 0) > 0)
        }
    }

    @Test func aStoreAnotherWriterHoldsIsLocked() throws {
        let directory = TemporaryDirectory()
        let holder = try StateBus.open(at: directory.path)
        defer { try? holder.close() }
        #expect(throws: LogError.locked(path: directory.path + "/LOCK")) {
            try StateBus.recoveryPlan(forStoreAt: directory.path)
        }
    }
}
