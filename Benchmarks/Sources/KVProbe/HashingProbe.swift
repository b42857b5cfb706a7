import BenchmarkSupport
import MMSB
import MMSBKV

/// xxh3-64 on long inputs, and Dynamo sequence hashing of 1,000,000 tokens in blocks of 16.
enum HashingProbe {
    static func run(runs: Int) throws {
        var random = SplitMix64(seed: 1)
        let long = (0..<(64 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var sink: UInt64 = 0
        let xxh3 = median((0..<runs).map { _ in
            seconds { long.withUnsafeBytes { sink ^= XXH3.hash64($0, seed: 1337) } }
        })
        print("xxh3-64, 64 MiB input: \(format(Double(long.count) / xxh3 / 1e9)) GB/s (target ≥ 4)")

        let tokens = (0..<1_000_000).map { _ in Token(truncatingIfNeeded: random.next() % 128_000) }
        var hashes: [SequenceHash] = []
        let fast = try median((0..<runs).map { _ in
            try seconds { hashes = try TokenHashing.sequenceHashes(of: tokens, blockSize: 16, saltHash: SaltHash(1337)) }
        })
        sink ^= hashes.last?.value ?? 0
        var sequence: TokenBlockSequence?
        let full = try median((0..<runs).map { _ in
            try seconds { sequence = try TokenBlockSequence(tokens: tokens, blockSize: 16, saltHash: SaltHash(1337)) }
        })
        sink ^= sequence?.sequenceHashes.last?.value ?? 0
        print("sequence hashes of 1,000,000 tokens, page 16 (62,500 blocks): TokenHashing.sequenceHashes "
            + "\(format(fast * 1e3)) ms, TokenBlockSequence(tokens:) \(format(full * 1e3)) ms (target ≤ 5 ms)")
        if sink == 42 { print("") }  // keeps the hashing from being optimised away
    }
}
