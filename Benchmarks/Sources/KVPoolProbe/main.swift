// The block pool's hot path: allocate + mark complete + register + release + match + release, per
// block, on one thread, in a pool of 100,000 blocks, excluding hashing (hashes are precomputed).
//
//     cd Benchmarks && swift run -c release --scratch-path ../.build-kvb-bench KVPoolProbe [runs]
//
// Each run first fills the pool with registered, released blocks so that every later allocation
// evicts a cached block (the steady state of a full cache), then times `requests` requests of
// `blocksPerRequest` blocks with fresh hashes: allocate the blocks, mark them complete as one chain,
// register them, release the registered leases, match the chain's hashes again, release the matches.
// The loop uses the `into:` forms with result arrays reused across requests (no allocation per
// call). Printed: the median over runs of nanoseconds per block for the whole cycle, for requests of 16
// blocks and of 1 block. Time is this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time:
// the build machine is shared (2 cores), and CPU time does not count the intervals when other
// processes hold the core, which made wall-clock medians swing by 2x between runs.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BenchmarkSupport
import MMSBKV

let runs = CommandLine.arguments.count > 1 ? max(1, Int(CommandLine.arguments[1]) ?? 5) : 5
let poolSize = 100_000

func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Thread CPU nanoseconds `body` takes (not wall time: the machine is shared).
func cpuNanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
    let start = threadCPUNanoseconds()
    try body()
    return threadCPUNanoseconds() - start
}

/// The result arrays of one run, reused by every request.
struct Bench {
    let pool: BlockPool
    var blocks: [MutableBlock] = []
    var registered: [ImmutableBlock] = []
    var matched: [ImmutableBlock] = []

    init(pool: BlockPool) { self.pool = pool }

    mutating func request(_ hashes: [SequenceHash]) throws {
        blocks.removeAll(keepingCapacity: true)
        registered.removeAll(keepingCapacity: true)
        matched.removeAll(keepingCapacity: true)
        try pool.allocateBlocksBlocking(hashes.count, into: &blocks)
        try pool.markCompleteChain(blocks, sequenceHashes: hashes)
        try pool.registerBlocksBlocking(blocks, into: &registered)
        try pool.releaseBlocking(registered)
        pool.matchSequenceHashesBlocking(hashes, into: &matched)
        precondition(matched.count == hashes.count, "every hash just registered must match")
        try pool.releaseBlocking(matched)
    }
}

/// One run: nanoseconds per block over `totalBlocks` blocks in requests of `blocksPerRequest`.
func run(blocksPerRequest: Int, totalBlocks: Int) throws -> Double {
    let pool = try BlockPool(BlockPoolConfiguration(blockCount: poolSize, pageSize: 16))
    var nextHash: UInt64 = 1
    func chain(_ count: Int) -> [SequenceHash] {
        defer { nextHash += UInt64(count) }
        return (0..<UInt64(count)).map { SequenceHash((nextHash + $0) &* 0x9E37_79B9_7F4A_7C15) }
    }
    // One set of result arrays reused by every request, as a scheduler loop would: the `into:`
    // forms append without allocating once the arrays have grown. A struct, not captured
    // variables, so that no access goes through a heap box with dynamic exclusivity checks.
    var bench = Bench(pool: pool)
    // Fill: every block registered and inactive, so every timed allocation evicts.
    for _ in 0..<(poolSize / 16) { try bench.request(chain(16)) }
    let requests = totalBlocks / blocksPerRequest
    let chains = (0..<requests).map { _ in chain(blocksPerRequest) }  // hashing-free timed loop
    let elapsed = try cpuNanoseconds {
        for hashes in chains { try bench.request(hashes) }
    }
    precondition(pool.available == poolSize && pool.liveLeases == 0, "the probe leaked blocks")
    return Double(elapsed) / Double(requests * blocksPerRequest)
}

for blocksPerRequest in [16, 1] {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(try run(blocksPerRequest: blocksPerRequest, totalBlocks: 1_000_000)) }
    let formatted = samples.map { String(Int($0.rounded())) }.joined(separator: ", ")
    print("pool \(poolSize) blocks, requests of \(blocksPerRequest): allocate+register+release+match+release "
        + "median \(Int(median(samples).rounded())) ns/block (runs: \(formatted))")
}
