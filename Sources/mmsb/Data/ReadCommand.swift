import ArgumentParser
import Foundation
import MMSB

/// `mmsb read <store> <page>`: a page's bytes, as a hex dump, text or raw.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print a page's bytes (or a range of them) as a hex dump, text or raw bytes.",
        discussion: """
            --format hex (the default) prints `hexdump -C`'s layout; text prints the bytes as UTF-8 \
            with the page's trailing zero bytes left out; raw writes the bytes themselves to standard \
            output, for a pipe or a file. Read-only and lock-free: works beside a process that has the \
            store open. With --at-lsn, reads the page as it was after that record.

            Examples:
              mmsb read /tmp/state 1
              mmsb read /tmp/state 1 --format text
              mmsb read /tmp/state 1 --offset 8 --length 4 --format raw > bytes.bin
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case hex, text, raw
    }

    @Argument(help: "The store's directory.")
    var store: String

    @Argument(help: "The page's id.")
    var page: PageArgument

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The first byte to read.", valueName: "bytes"))
    var offset: Int = 0

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How many bytes to read (default: to the end of the page).", valueName: "bytes"))
    var length: Int?

    @Option(name: .long, help: "How to print the bytes.")
    var format: Format = .hex

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Read the page as it was after this LSN.", valueName: "lsn"))
    var atLSN: UInt64?

    @OptionGroup var output: JSONOutputOption

    struct Report: Encodable {
        var page: UInt64
        var epoch: UInt64
        var size: Int
        var offset: Int
        var length: Int
        var hex: String
    }

    func validate() throws {
        guard offset >= 0 else { throw ValidationError("--offset must not be negative, not \(offset)") }
        if let length, length < 1 { throw ValidationError("--length must be at least 1, not \(length)") }
        if output.json, format != .hex { throw ValidationError("--json prints the bytes in hexadecimal: leave out --format") }
    }

    func run() throws {
        let bus = try StoreAccess.readOnly(store, atLSN: atLSN)
        let info = try bus.info(page: page.id)
        guard offset < info.size else {
            throw CommandLineError("--offset \(offset) is past the end of page \(page.id), which has \(counted(info.size, "byte"))")
        }
        let end = length.map { offset + $0 } ?? info.size
        guard end <= info.size else {
            throw CommandLineError(
                "--offset \(offset) --length \(end - offset) reaches byte \(end), past the end of page \(page.id), which has \(counted(info.size, "byte"))")
        }
        let bytes = Array(try bus.read(page: page.id)[offset..<end])
        if output.json {
            try JSONOutput.print(
                Report(page: page.id.rawValue, epoch: info.epoch.rawValue, size: info.size, offset: offset, length: bytes.count, hex: Hex.string(bytes)))
            return
        }
        switch format {
        case .hex:
            for line in Hex.dump(bytes, startingAt: offset) { print(line) }
        case .text:
            let trimmed = bytes[..<(bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0)]
            print(String(decoding: trimmed, as: UTF8.self))
        case .raw:
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
