import ArgumentParser

/// `mmsb kv …`: the KV-cache block manager's tools.
struct KVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Tools for MMSBKV, the KV-cache block manager: token hashing and workload simulation.",
        subcommands: [KVHashCommand.self, KVSimulateCommand.self, KVBlocksetCommand.self]
    )
}
