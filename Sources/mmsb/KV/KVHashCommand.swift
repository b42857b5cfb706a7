import ArgumentParser
import MMSBKV

/// `mmsb kv hash`: Dynamo-compatible block and sequence hashes of a token list.
struct KVHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the block hash and sequence hash of every complete block of a token list.",
        discussion: """
            Tokens are cut into blocks of --page-size tokens; each complete block gets one line, \
            `block=<index> block_hash=<decimal> sequence_hash=<decimal>`, hashed exactly as NVIDIA \
            Dynamo does (xxh3-64 of the tokens as little-endian u32 seeded with the salt hash; each \
            sequence hash chains the parent's). A trailing partial block is not hashed.

            The salt hash is --salt-hash, or derived from --salt and/or --lora as Dynamo derives it \
            (xxh3-64 of {"salt":…,"lora_name":…}); with none of them it is 0. Tokens are unsigned \
            32-bit integers, given as separate arguments or comma-separated; negative 32-bit values \
            are reinterpreted (-1 is 4294967295).

            Example: mmsb kv hash --salt-hash 1337 --page-size 4 1 2 3 4 5 6 7 8
            """
    )

    @Option(name: .customLong("salt-hash"), parsing: .unconditional, help: ArgumentHelp("The salt hash (a 64-bit seed).", valueName: "n"))
    var saltHash: UInt64?

    @Option(name: .customLong("salt"), help: ArgumentHelp("A salt string to derive the salt hash from.", valueName: "text"))
    var salt: String?

    @Option(name: .customLong("lora"), help: ArgumentHelp("A LoRA adapter name to derive the salt hash from.", valueName: "name"))
    var lora: String?

    @Option(name: .customLong("page-size"), parsing: .unconditional, help: ArgumentHelp("Tokens per block, 1 to 1024.", valueName: "p"))
    var pageSize: Int = 16

    @OptionGroup var output: JSONOutputOption

    /// `kv hash --json`: the salt hash and every complete block's hashes.
    struct Report: Encodable {
        struct Block: Encodable {
            var index: Int
            var blockHash: UInt64
            var sequenceHash: UInt64
        }

        var saltHash: UInt64
        var pageSize: Int
        var tokens: Int
        var blocks: [Block]
    }

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The tokens.", valueName: "tokens"))
    var tokens: [String] = []

    func validate() throws {
        guard (1...1024).contains(pageSize) else {
            throw ValidationError("--page-size must be 1 to 1024, not \(pageSize)")
        }
        if saltHash != nil, salt != nil || lora != nil {
            throw ValidationError("give either --salt-hash or --salt / --lora, not both")
        }
        let count = try parsedTokens().count
        guard count >= pageSize else {
            throw ValidationError(
                "\(count) token\(count == 1 ? "" : "s") make no complete block of --page-size \(pageSize): give at least \(pageSize) tokens"
            )
        }
    }

    func run() throws {
        let seed = saltHash.map(SaltHash.init) ?? ((salt != nil || lora != nil) ? SaltHash(salt: salt, loraName: lora) : .zero)
        let tokens = try parsedTokens()
        let sequence = try TokenBlockSequence(tokens: tokens, blockSize: pageSize, saltHash: seed)
        if output.json {
            try JSONOutput.print(
                Report(
                    saltHash: seed.value, pageSize: pageSize, tokens: tokens.count,
                    blocks: (0..<sequence.blockCount).map {
                        Report.Block(index: $0, blockHash: sequence.blockHashes[$0].value, sequenceHash: sequence.sequenceHashes[$0].value)
                    }))
            return
        }
        for index in 0..<sequence.blockCount {
            print("block=\(index) block_hash=\(sequence.blockHashes[index]) sequence_hash=\(sequence.sequenceHashes[index])")
        }
    }

    /// The tokens as unsigned 32-bit values.
    func parsedTokens() throws -> [Token] {
        var result: [Token] = []
        for argument in tokens where argument != "--" {
            if argument.hasPrefix("--") { throw ValidationError("unknown option \(argument)") }
            for piece in argument.split(separator: ",", omittingEmptySubsequences: true) {
                if let value = UInt32(piece) {
                    result.append(value)
                } else if let value = Int32(piece), value < 0 {
                    result.append(Token(truncatingIfNeeded: value))
                } else {
                    throw ValidationError("'\(piece)' is not a token: tokens are integers from -2147483648 to 4294967295")
                }
            }
        }
        return result
    }
}
