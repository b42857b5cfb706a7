import ArgumentParser
import Foundation
import MMSB

/// `mmsb write <store> <page> --text …`: bytes into a page, as one logged delta.
struct WriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write bytes into a page at an offset, as one delta (logged and synced).",
        discussion: """
            The bytes come from exactly one of --text (UTF-8), --hex (pairs of hexadecimal digits; \
            spaces and colons are ignored), --file (a file's bytes) or --stdin (standard input to its \
            end). They must fit in the page from --offset on. Pages computed from this one by rules \
            this tool knows (the standard rules and the demo's) are recomputed in the same log record.

            Examples:
              mmsb write /tmp/state 1 --text hello
              mmsb write /tmp/state 1 --offset 8 --hex "de ad be ef"
              head -c 64 /dev/urandom | mmsb write /tmp/state 1 --stdin
            """
    )

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The page's id.")
    var page: PageArgument

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Where in the page the bytes go.", valueName: "bytes"))
    var offset: Int = 0

    @Option(name: .long, help: ArgumentHelp("The bytes as UTF-8 text.", valueName: "text"))
    var text: String?

    @Option(name: .long, help: ArgumentHelp("The bytes in hexadecimal.", valueName: "hex"))
    var hex: String?

    @Option(name: .long, help: ArgumentHelp("A file whose bytes to write.", valueName: "path"))
    var file: String?

    @Flag(name: .long, help: "Read the bytes from standard input.")
    var stdin = false

    @OptionGroup var recovery: RecoveryOptions

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var page: UInt64
        var offset: Int
        var bytes: Int
        var delta: UInt64
        var epoch: UInt64
        var propagated: Int
        var lsn: UInt64
    }

    func validate() throws {
        let sources = [text != nil, hex != nil, file != nil, stdin].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError(
                sources == 0 ? "give the bytes with one of --text, --hex, --file and --stdin" : "give only one of --text, --hex, --file and --stdin")
        }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative, not \(offset)") }
        if let hex {
            guard !(try Hex.bytes(hex)).isEmpty else { throw ValidationError("--hex gives no bytes") }
        }
        if let text, text.isEmpty { throw ValidationError("--text gives no bytes") }
    }

    func run() throws {
        let bytes: [UInt8] =
            if let text { Array(text.utf8) } else if let hex { try Hex.bytes(hex) } else if let file { try CommandFile.read(file) } else {
                try CommandFile.read("-")
            }
        guard !bytes.isEmpty else { throw CommandLineError("\(file ?? "standard input") is empty: there is nothing to write") }
        guard let changed = try StoreAccess.withWritableStore(store, recovery: recovery, { bus, registration in
            try StoreAccess.requirePropagation(from: page.id, in: bus, registration)
            return (try bus.write(page: page.id, offset: offset, bytes: bytes), StoreAccess.lastLSN(bus))
        }) else { return }
        let (receipt, lsn) = changed
        if output.json {
            try JSONOutput.print(
                Report(
                    page: page.id.rawValue, offset: offset, bytes: bytes.count, delta: receipt.delta.rawValue, epoch: receipt.epoch.rawValue,
                    propagated: receipt.propagated, lsn: lsn))
            return
        }
        var line = "Wrote \(counted(bytes.count, "byte")) to page \(page.id) at offset \(offset): delta \(receipt.delta), epoch \(receipt.epoch), LSN \(lsn)"
        if receipt.propagated > 0 { line += "; recomputed \(counted(receipt.propagated, "dependent page"))" }
        print(line + ".")
    }
}
