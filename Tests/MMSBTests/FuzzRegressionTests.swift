import Testing
@testable import MMSB

/// Inputs the fuzzers found, kept as regressions: each must be refused, never trap.
@Suite struct FuzzRegressionTests {
    /// A segment header naming a first delta id near 2⁶⁴ made the id count overflow while records were read.
    @Test(arguments: [UInt64.max, UInt64(1 << 62) + 1, UInt64(0)])
    func segmentHeadersWithImpossibleDeltaIDsAreCorrupt(firstDeltaID: UInt64) {
        let header = SegmentHeader(store: StoreID(high: 1, low: 2), baseLSN: 1, firstDeltaID: firstDeltaID, baseTimestamp: 0)
        let bytes = header.encoded()
        #expect(throws: LogError.corrupt(file: "f.seg", offset: 40, reason: "first delta id \(firstDeltaID) out of range")) {
            try bytes.withUnsafeBytes { raw in _ = try SegmentHeader.decode(raw, file: "f.seg", store: nil) }
        }
    }

    @Test func theLargestAllowedDeltaIDStillDecodes() throws {
        let header = SegmentHeader(store: StoreID(high: 1, low: 2), baseLSN: 7, firstDeltaID: 1 << 62, baseTimestamp: 5)
        let decoded = try header.encoded().withUnsafeBytes { raw in try SegmentHeader.decode(raw, file: "f.seg", store: nil) }
        #expect(decoded == header)
    }
}

/// LSNs near 2⁶⁴ in a crafted store made recovery's LSN count overflow.
@Suite struct LSNRangeTests {
    @Test func segmentHeadersWithImpossibleLSNsAreCorrupt() {
        let header = SegmentHeader(store: StoreID(high: 1, low: 2), baseLSN: UInt64.max, firstDeltaID: 1, baseTimestamp: 0)
        #expect(throws: LogError.corrupt(file: "f.seg", offset: 32, reason: "base LSN \(UInt64.max) out of range")) {
            try header.encoded().withUnsafeBytes { raw in _ = try SegmentHeader.decode(raw, file: "f.seg", store: nil) }
        }
    }

    @Test func manifestSlotsWithImpossibleLSNsAreInvalid() throws {
        let good = Manifest(store: StoreID(high: 1, low: 2), generation: 3, firstLiveSegmentLSN: 1 << 62, checkpointLSN: 5)
        #expect(try good.encoded().withUnsafeBytes { raw in try Manifest.decodeSlot(raw, file: "M") } == good)
        for bad in [
            Manifest(store: StoreID(high: 1, low: 2), generation: 3, firstLiveSegmentLSN: UInt64.max, checkpointLSN: 5),
            Manifest(store: StoreID(high: 1, low: 2), generation: 3, firstLiveSegmentLSN: 0, checkpointLSN: 5),
            Manifest(store: StoreID(high: 1, low: 2), generation: 3, firstLiveSegmentLSN: 1, checkpointLSN: UInt64.max),
        ] {
            #expect(try bad.encoded().withUnsafeBytes { raw in try Manifest.decodeSlot(raw, file: "M") } == nil)
        }
    }
}
