import ArgumentParser
import Foundation
import MMSBKV

/// `mmsb kv simulate`: a chat workload over a device / host / disk block manager.
struct KVSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a seeded chat workload over a three-tier KV block manager and report reuse and traffic.",
        discussion: """
            Conversations share a few system prompts and grow turn by turn; each request resends the \
            whole history, so its prompt's blocks can be reused from the device, or brought back from \
            the host or disk tier. Conversations and system prompts are chosen by Zipf popularity. \
            Every registered block is written through device → host → disk (disk admission by the \
            frequency filter unless --no-disk-filter); onboarded blocks are checked byte for byte.

            Prints hit rates per tier, evictions, offload and onboard traffic, and throughput. The \
            same options and seed print the same report (except the throughput line). A progress \
            bar is drawn on standard error when it is a terminal.

            Example: mmsb kv simulate --requests 5000 --device-blocks 512 --seed 7
            """
    )

    @Option(parsing: .unconditional, help: "Requests to run (1 to 10,000,000).")
    var requests = 2_000
    @Option(parsing: .unconditional, help: "Conversations (1 to 1,000,000).")
    var conversations = 400
    @Option(name: .customLong("system-prompts"), parsing: .unconditional, help: "Shared system prompts (1 to 10,000).")
    var systemPrompts = 8
    @Option(parsing: .unconditional, help: "Zipf exponent of conversation and prompt popularity (0 to 5).")
    var zipf = 1.1
    @Option(parsing: .unconditional, help: "Seed of the workload.")
    var seed: UInt64 = 1
    @Option(name: .customLong("page-size"), parsing: .unconditional, help: "Tokens per block (1 to 1024).")
    var pageSize = 16
    @Option(name: .customLong("system-blocks"), parsing: .unconditional, help: "Largest system prompt, in blocks (1 to 4096).")
    var systemBlocks = 32
    @Option(name: .customLong("turn-blocks"), parsing: .unconditional, help: "Largest user message or answer, in blocks (1 to 4096).")
    var turnBlocks = 4
    @Option(name: .customLong("max-turns"), parsing: .unconditional, help: "Turns before a conversation starts over (1 to 10,000).")
    var maxTurns = 8
    @Option(name: .customLong("device-blocks"), parsing: .unconditional, help: "Blocks in the device tier.")
    var deviceBlocks = 1_024
    @Option(name: .customLong("host-blocks"), parsing: .unconditional, help: "Blocks in the host tier.")
    var hostBlocks = 4_096
    @Option(name: .customLong("disk-blocks"), parsing: .unconditional, help: "Blocks in the disk tier.")
    var diskBlocks = 16_384
    @Option(name: .customLong("disk-dir"), help: "Directory for the disk tier's file (default: the temporary directory).")
    var diskDirectory: String?
    @Flag(name: .customLong("no-disk-filter"), help: "Admit every block offloaded to disk (no frequency filter).")
    var noDiskFilter = false
    @Flag(name: .customLong("no-progress"), help: "Never draw the progress bar.")
    var noProgress = false

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw ValidationError("--\(name) must be \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
        }
        try check("requests", requests, 1...10_000_000)
        try check("conversations", conversations, 1...1_000_000)
        try check("system-prompts", systemPrompts, 1...10_000)
        try check("page-size", pageSize, 1...1024)
        try check("system-blocks", systemBlocks, 1...4096)
        try check("turn-blocks", turnBlocks, 1...4096)
        try check("max-turns", maxTurns, 1...10_000)
        try check("device-blocks", deviceBlocks, 1...10_000_000)
        try check("host-blocks", hostBlocks, 1...10_000_000)
        try check("disk-blocks", diskBlocks, 1...10_000_000)
        guard zipf.isFinite, (0...5).contains(zipf) else { throw ValidationError("--zipf must be 0 to 5, not \(zipf)") }
        guard deviceBlocks >= largestRequest else {
            throw ValidationError(
                "--device-blocks \(deviceBlocks) cannot hold the largest request: a conversation can reach "
                    + "\(largestRequest) blocks (--system-blocks \(systemBlocks) + --max-turns \(maxTurns) × 2 × --turn-blocks "
                    + "\(turnBlocks)), all on the device while it is served; give at least \(largestRequest)"
            )
        }
    }

    /// The most device blocks one request holds at once: its whole conversation (the system prompt and
    /// every turn's user message and answer, each up to --turn-blocks), prompt and answer together.
    var largestRequest: Int { systemBlocks + maxTurns * 2 * turnBlocks }

    func run() throws {
        let options = KVSimulation.Options(
            workload: KVWorkload.Options(
                requests: requests, conversations: conversations, systemPrompts: systemPrompts, zipfExponent: zipf,
                pageSize: pageSize, maxSystemBlocks: systemBlocks, maxTurnBlocks: turnBlocks, maxTurns: maxTurns, seed: seed
            ),
            deviceBlocks: deviceBlocks, hostBlocks: hostBlocks, diskBlocks: diskBlocks,
            diskDirectory: diskDirectory ?? NSTemporaryDirectory(), diskFilter: !noDiskFilter
        )
        let simulation = try KVSimulation(options)
        var bar = KVProgressBar(total: requests, enabled: !noProgress && requests >= 1_000)
        let report = try simulation.run { bar.update($0) }
        bar.finish()
        if output.json {
            try JSONOutput.print(report.json(options))
        } else {
            for line in report.lines(options) { print(line) }
        }
        if report.corrupt > 0 {
            throw ValidationError("\(report.corrupt) onboarded blocks did not hold the bytes they were registered with")
        }
    }
}
