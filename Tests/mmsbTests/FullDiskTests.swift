import Foundation
import MMSB
import Testing
@testable import CrashWriter
@testable import mmsb

/// A disk that fills up: the writer runs with a file-size limit, so its log's `pwrite` fails as on a
/// full disk (EFBIG standing in for ENOSPC: both are a failed write the store must survive).
@Suite struct FullDiskTests {
    @Test(arguments: [CrashWriterCommand.Mode.always, .none])
    func aFullDiskIsATypedErrorAndLosesNothingAcknowledged(mode: CrashWriterCommand.Mode) throws {
        let directory = ScratchDirectory()
        let store = directory.path + "/store"
        let seed: UInt64 = 2_024
        let result = try runCrashWriter([
            store, "--durability", mode.rawValue, "--pages", "4", "--seed", "\(seed)",
            "--calls", "100000", "--file-size-limit", "65536",
        ])
        #expect(result.status != 0)
        let errorLines = result.error.split(separator: "\n")
        #expect(errorLines.count == 1, "stderr: \(result.error)")
        #expect(result.error.hasPrefix("Error: "))
        #expect(result.error.contains("File too large (errno 27)"), "stderr: \(result.error)")
        #expect(result.error.contains("/log/"), "the error names the file: \(result.error)")
        #expect(!result.error.contains("Fatal error"))
        let acks = result.output.split(separator: "\n").map(String.init).compactMap(CrashHarness.Ack.init)
        #expect(acks.count > 10)

        // Reopened without the limit: the state is exactly some prefix of the calls, and with `always`
        // that prefix holds every acknowledged call.
        let bus = try StateBus.open(at: store, options: StoreOptions(createIfMissing: false, checkpointOnClose: false))
        guard let recoveredCall = CrashWorkload.call(after: bus.nextDeltaID, seed: seed, pages: 4) else {
            Issue.record("the recovered delta id \(bus.nextDeltaID) does not end a call: a torn batch")
            return
        }
        if mode == .always { #expect(recoveredCall >= UInt64(acks.count)) }
        #expect(recoveredCall <= UInt64(acks.count) + 1)
        #expect(try CrashHarness.snapshot(bus) == CrashHarness.snapshot(CrashHarness.model(seed: seed, pages: 4, calls: recoveredCall)))
        // And the store takes writes again once the disk has room.
        try bus.write(page: 1, offset: 0, bytes: [1])
        try bus.close()
    }
}
