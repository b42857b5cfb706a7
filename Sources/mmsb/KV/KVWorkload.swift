import Foundation
import MMSB
import MMSBKV

/// Zipf-distributed choice among `count` items: item k (0-based) has weight 1 / (k + 1)^s.
struct ZipfSampler {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var total = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(count)
        for rank in 1...max(1, count) {
            total += 1 / pow(Double(rank), exponent)
            cumulative.append(total)
        }
        self.cumulative = cumulative.map { $0 / total }
    }

    func sample(_ generator: inout SplitMix64) -> Int {
        let u = Double(generator.next() >> 11) / Double(1 << 53)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// The synthetic chat workload (its randomness is MMSB's seeded `SplitMix64`): system prompts shared by many conversations, conversations that
/// grow turn by turn (each request resends the whole history), popularity by Zipf.
///
/// Token ids come from the seeded generator and are hashed exactly as Dynamo hashes them, so the
/// block hashes are realistic 64-bit values. Messages are whole blocks (the tail partial block of a
/// real prompt is never cached anyway).
struct KVWorkload {
    struct Options {
        var requests: Int
        var conversations: Int
        var systemPrompts: Int
        var zipfExponent: Double
        var pageSize: Int
        var maxSystemBlocks: Int
        var maxTurnBlocks: Int
        var maxTurns: Int
        var seed: UInt64
    }

    /// One request: the prompt's block hashes (history first) and the hashes of the blocks the
    /// answer will add.
    struct Request {
        var conversation: Int
        var prompt: [SequenceHash]
        var answer: [SequenceHash]
    }

    let options: Options
    private var generator: SplitMix64
    private let conversationPopularity: ZipfSampler
    private let promptPopularity: ZipfSampler
    private var systemChains: [[SequenceHash]] = []
    /// Each conversation's history so far, as block hashes; nil until its first request.
    private var histories: [[SequenceHash]?]
    private var turns: [Int]

    init(_ options: Options) {
        self.options = options
        generator = SplitMix64(seed: options.seed)
        conversationPopularity = ZipfSampler(count: options.conversations, exponent: options.zipfExponent)
        promptPopularity = ZipfSampler(count: options.systemPrompts, exponent: options.zipfExponent)
        histories = Array(repeating: nil, count: options.conversations)
        turns = Array(repeating: 0, count: options.conversations)
        for _ in 0..<options.systemPrompts {
            let blocks = 1 + Int(generator.next() % UInt64(options.maxSystemBlocks))
            systemChains.append(extend([], by: blocks))
        }
    }

    /// Appends `blocks` blocks of fresh random tokens to a chain and returns the longer chain.
    private mutating func extend(_ chain: [SequenceHash], by blocks: Int) -> [SequenceHash] {
        var chain = chain
        var tokens = [Token](repeating: 0, count: options.pageSize)
        for _ in 0..<blocks {
            for index in tokens.indices { tokens[index] = Token(truncatingIfNeeded: generator.next() % 128_000) }
            let blockHash = TokenHashing.blockHash(of: tokens, saltHash: .zero)
            chain.append(TokenHashing.sequenceHash(parent: chain.last, blockHash: blockHash, saltHash: .zero))
        }
        return chain
    }

    /// The next request: a conversation chosen by popularity continues with a new user message;
    /// one that reached `maxTurns` starts over from its system prompt.
    mutating func next() -> Request {
        let conversation = conversationPopularity.sample(&generator)
        var history: [SequenceHash]
        if let existing = histories[conversation], turns[conversation] < options.maxTurns {
            history = existing
        } else {
            history = systemChains[promptPopularity.sample(&generator)]
            turns[conversation] = 0
        }
        let userBlocks = 1 + Int(generator.next() % UInt64(options.maxTurnBlocks))
        let prompt = extend(history, by: userBlocks)
        let answerBlocks = 1 + Int(generator.next() % UInt64(options.maxTurnBlocks))
        let full = extend(prompt, by: answerBlocks)
        histories[conversation] = full
        turns[conversation] += 1
        return Request(conversation: conversation, prompt: prompt, answer: Array(full[prompt.count...]))
    }
}
