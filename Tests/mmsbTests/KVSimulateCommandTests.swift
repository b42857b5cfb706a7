import Foundation
import Testing

/// `mmsb kv simulate`, run as a user would.
@Suite struct KVSimulateCommandTests {
    private static let small = [
        "kv", "simulate", "--requests", "300", "--conversations", "50", "--device-blocks", "96", "--host-blocks", "128",
        "--disk-blocks", "256", "--seed", "5",
    ]

    private func simulate(_ extra: [String] = [], base: [String] = small) throws -> MMSBRun {
        let directory = ScratchDirectory()
        return try runMMSB(base + ["--disk-dir", directory.path] + extra)
    }

    @Test func aSeededRunPrintsTheSameReport() throws {
        let run = try simulate()
        #expect(run.status == 0, "stderr: \(run.error)")
        // Everything but the throughput line is fixed by the options and the seed.
        #expect(Array(run.lines.dropLast()) == [
            "workload: 300 requests, 50 conversations, 8 system prompts, zipf 1.10, seed 5",
            "tiers: device 96, host 128, disk 256 blocks of 16 tokens (2048 bytes); disk filter on",
            "prompt blocks: 11130 requested, 8323 reused (74.8%), 2807 computed",
            "hit rate: device 50.5% (5616), host 7.1% (795), disk 17.2% (1912)",
            "decoded blocks: 780; rejected requests: 0",
            "evictions: device 6198, host 5371, disk 1661",
            "offload device→host: 5499 blocks (10.7 MiB), skipped 795, dropped 0, failed 0",
            "offload host→disk: 1917 blocks (3.7 MiB), skipped 1924, dropped 0, filtered 1658, failed 0",
            "onboard host→device: 795 blocks (1.6 MiB), failed 0",
            "onboard disk→device: 1912 blocks (3.7 MiB), failed 0",
            "verified: 2707 onboarded blocks byte-equal, 0 corrupt",
        ])
        #expect(run.lines.last?.hasPrefix("throughput: ") == true)
        // Standard error is not a terminal here: no progress bar.
        #expect(run.error.isEmpty)
        let again = try simulate()
        #expect(Array(again.lines.dropLast()) == Array(run.lines.dropLast()))
    }

    @Test func theFilterAndTheSeedChangeTheRun() throws {
        let unfiltered = try simulate(["--no-disk-filter"])
        #expect(unfiltered.status == 0)
        #expect(unfiltered.lines.contains { $0.hasSuffix("filtered 0, failed 0") && $0.hasPrefix("offload host→disk") })
        #expect(unfiltered.lines[1].hasSuffix("disk filter off"))
        let otherSeed = try simulate(["--seed", "6"])
        #expect(otherSeed.status == 0)
        #expect(otherSeed.lines[2] != (try simulate()).lines[2])
    }

    @Test func reuseAndComputeAddUp() throws {
        let run = try simulate(["--zipf", "0.5", "--max-turns", "3"])
        #expect(run.status == 0)
        let numbers = run.lines[2].split(whereSeparator: { !$0.isNumber && $0 != "." }).compactMap { Int($0) }
        // "prompt blocks: R requested, U reused (P%), C computed": R == U + C
        #expect(numbers.count >= 3)
        #expect(numbers[0] == numbers[1] + numbers.last!)
    }

    @Test(arguments: [
        (["--requests", "0"], "--requests must be 1 to 10000000, not 0"),
        (["--zipf", "9"], "--zipf must be 0 to 5, not 9.0"),
        (["--page-size", "2000"], "--page-size must be 1 to 1024, not 2000"),
        (["--device-blocks", "0"], "--device-blocks must be 1 to 10000000, not 0"),
        (["--turn-blocks", "0"], "--turn-blocks must be 1 to 4096, not 0"),
        (["--requests", "-1"], "--requests must be 1 to 10000000, not -1"),
        // The defaults (--system-blocks 32, --max-turns 8, --turn-blocks 4) reach 96 blocks.
        (["--device-blocks", "95"], "--device-blocks 95 cannot hold the largest request"),
        (["--device-blocks", "1"], "give at least 96"),
        (["--device-blocks", "20", "--system-blocks", "4", "--max-turns", "2", "--turn-blocks", "5"], "give at least 24"),
    ])
    func badOptionsAreRefused(extra: [String], message: String) throws {
        let run = try simulate(extra)
        #expect(run.status == 64)
        #expect(run.output.isEmpty)
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(run.error.contains(message), "stderr: \(run.error)")
    }

    @Test func anUnwritableDiskDirectoryIsAClearError() throws {
        let run = try runMMSB(Self.small + ["--disk-dir", "/nonexistent/mmsb-kv-disk"])
        #expect(run.status != 0)
        #expect(run.error.hasPrefix("Error: disk tier:"), "stderr: \(run.error)")
        #expect(run.output.isEmpty)
    }
}
