import ArgumentParser
import Foundation
import MMSB

/// How the data commands open a store: for one change, or read-only beside whoever holds it.
enum StoreAccess {
    /// The options of a store opened for one change: every change synced before the command says it
    /// is done (`.always`), no checkpoint on close (a checkpoint per command would rewrite the whole
    /// state each time; the store takes one when its log has grown), pages placed on a GPU kept in host
    /// memory (the tool has no device).
    static func writingOptions(create: Bool, salvage: Bool) -> StoreOptions {
        StoreOptions(
            durability: .always, createIfMissing: create, recovery: salvage ? .salvage : .tolerateTornTail,
            bus: .init(deviceMemory: .emulateInHostMemory), checkpointOnClose: false)
    }

    /// Opens the store at `path` for writing (taking its lock, so a store another process holds fails
    /// first, with ``LogError/locked(path:)``), registers the rules its pages name that this tool knows,
    /// runs `body` and closes the store, also when `body` throws.
    ///
    /// With `recovery.dryRun` nothing is opened or changed: what opening the store would do is printed
    /// (``RecoveryPlan``) and the result is `nil`.
    static func withWritableStore<R>(
        _ path: String, recovery: RecoveryOptions = RecoveryOptions(), _ body: (StateBus, RuleRegistration) throws -> R
    ) throws -> R? {
        try StoreDirectory.requireExisting(path)
        if recovery.dryRun {
            try RecoveryPlan.print(forStoreAt: path, salvage: recovery.salvage)
            return nil
        }
        let bus = try StateBus.open(at: path, options: writingOptions(create: false, salvage: recovery.salvage))
        do {
            let registration = try bus.registerRules(from: DemoRules.registry)
            let result = try body(bus, registration)
            try bus.close()
            return result
        } catch {
            try? bus.close()
            throw error
        }
    }

    /// The store's state read-only, at `lsn` or its latest; takes no lock, so it works beside a writer
    /// (its records written later are not seen).
    static func readOnly(_ path: String, atLSN lsn: UInt64? = nil) throws -> StateView {
        try StoreDirectory.requireExisting(path)
        let configuration = StateBus.Configuration(deviceMemory: .emulateInHostMemory)
        if let lsn { return try StateBus.open(at: path, asOf: .lsn(LSN(lsn)), configuration: configuration) }
        return try StateBus.openReadOnly(at: path, configuration: configuration)
    }

    /// Throws unless a change to `page` can propagate: every page downstream of it that names a rule
    /// must name one this tool knows, or the change would leave that page stale in the log.
    static func requirePropagation(from page: PageID, in bus: StateBus, _ registration: RuleRegistration) throws {
        let downstream = Set(bus.dependencyGraph.descendants(of: page))
        guard let unknown = registration.missing.first(where: { downstream.contains($0.page) }) else { return }
        throw CommandLineError(
            "page \(unknown.page) depends on page \(page) through the rule \"\(unknown.name)\", which this tool does not know: "
                + "writing page \(page) here would leave page \(unknown.page) stale; change it from the program that registers the rule")
    }

    /// The last LSN the store's log holds after a change.
    static func lastLSN(_ bus: StateBus) -> UInt64 { (bus.nextLSN?.rawValue ?? 1) - 1 }
}

/// How the commands that open a store for writing treat damage in its log.
struct RecoveryOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: "Open a store whose log is damaged before its tail by keeping the longest valid prefix and dropping the rest (see --dry-run).")
    var salvage = false

    @Flag(name: .long, help: "Change nothing: print what opening the store would cut or drop (with --salvage, what salvaging would drop).")
    var dryRun = false
}

/// What opening a store for writing would do, printed by `--dry-run`.
enum RecoveryPlan {
    static func print(forStoreAt path: String, salvage: Bool) throws {
        for line in lines(try plan(forStoreAt: path, salvage: salvage)) { Swift.print(line) }
    }

    /// The plan; a store a writer holds is refused with ``LogError/locked(path:)``, as opening it would be.
    static func plan(forStoreAt path: String, salvage: Bool) throws -> RecoveryReport {
        try StateBus.recoveryPlan(forStoreAt: path, recovery: salvage ? .salvage : .tolerateTornTail)
    }

    /// The plan in sentences: what is loaded and replayed, then every cut and drop.
    static func lines(_ plan: RecoveryReport) -> [String] {
        var lines = ["Dry run: nothing was changed. Opening the store for writing would:"]
        lines.append(
            plan.checkpointLSN == .zero
                ? "  load no checkpoint and replay \(counted(plan.recordsReplayed, "record"))"
                : "  load the checkpoint covering LSN \(plan.checkpointLSN) and replay \(counted(plan.recordsReplayed, "record")) after it")
        lines.append("  end the log at LSN \(plan.lastLSN)")
        if let torn = plan.tornTail {
            lines.append("  cut a torn tail (never acknowledged): \(torn.bytesDropped) bytes of \(torn.file) from offset \(torn.offset)")
        }
        if let unfinished = plan.unfinishedSegment {
            lines.append("  remove the unfinished segment \(unfinished.file) (\(unfinished.bytesDropped) bytes, nothing in it was acknowledged)")
        }
        if let salvaged = plan.salvaged {
            let records = salvaged.droppedLSNs.map { "\(counted(salvaged.recordsDropped, "record")) (LSN \($0.lowerBound)–\($0.upperBound))" }
                ?? "no whole record"
            lines.append("  drop \(records) and \(salvaged.totalBytesDropped) bytes: \(salvaged.reason)")
            if salvaged.bytesDropped > 0 { lines.append("  cut \(salvaged.file) at offset \(salvaged.offset)") }
            for file in salvaged.filesDropped { lines.append("  remove \(file)") }
        }
        if plan.tornTail == nil, plan.unfinishedSegment == nil, plan.salvaged == nil { lines.append("  cut and remove nothing: the log is intact") }
        return lines
    }
}

/// A page id as a command-line argument: 1 or more.
struct PageArgument: ExpressibleByArgument, CustomStringConvertible {
    let id: PageID

    init?(argument: String) {
        guard let value = UInt64(argument), value > 0 else { return nil }
        id = PageID(value)
    }

    var description: String { id.description }
    static var defaultCompletionKind: CompletionKind { .default }
}

/// An edge type as a command-line value.
enum EdgeTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case data, control, gpuSync, compiler

    var edgeType: EdgeType {
        switch self {
        case .data: .data
        case .control: .control
        case .gpuSync: .gpuSync
        case .compiler: .compiler
        }
    }
}

/// A page location as a command-line value.
enum LocationArgument: String, ExpressibleByArgument, CaseIterable {
    case cpu, gpu, unified

    var location: PageLocation {
        switch self {
        case .cpu: .cpu
        case .gpu: .gpu
        case .unified: .unified
        }
    }
}

/// One page's fields, for `pages --json` and the other data commands' JSON.
struct PageJSON: Encodable {
    var id: UInt64
    var size: Int
    var location: String
    var epoch: UInt64
    /// Metadata values as text where they are UTF-8, else as `hex:` and their bytes.
    var metadata: [String: String]

    init(_ info: PageInfo) {
        id = info.id.rawValue
        size = info.size
        location = info.location.description
        epoch = info.epoch.rawValue
        metadata = Dictionary(info.metadata.entries.map { ($0.key, MetadataText.show($0.value)) }, uniquingKeysWith: { _, last in last })
    }
}

/// Metadata values on the command line: text in, text (or hex) out.
enum MetadataText {
    /// `value` as text when it is valid UTF-8 with no control characters, else `hex:` and its bytes.
    static func show(_ value: [UInt8]) -> String {
        if let text = String(validating: value, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return text
        }
        return "hex:" + Hex.string(value)
    }

    /// Splits `key=value`; the key must not be empty.
    static func pair(_ argument: String, option: String) throws -> (key: String, value: [UInt8]) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw ValidationError("\(option) takes key=value, not '\(argument)'")
        }
        return (String(argument[..<equals]), Array(argument[argument.index(after: equals)...].utf8))
    }
}

/// Hexadecimal text.
enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of hexadecimal text: pairs of digits, with optional spaces, colons or a `0x` prefix.
    static func bytes(_ text: String) throws -> [UInt8] {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in digits where !(character == " " || character == ":" || character == "_") {
            guard let value = character.hexDigitValue else {
                throw ValidationError("'\(character)' is not a hexadecimal digit (give bytes as pairs of 0-9 and a-f, like 6869)")
            }
            if let first = high {
                bytes.append(first << 4 | UInt8(value))
                high = nil
            } else {
                high = UInt8(value)
            }
        }
        guard high == nil else { throw ValidationError("the hexadecimal bytes have an odd number of digits: give two per byte") }
        return bytes
    }

    /// `hexdump -C`'s layout: offset, 16 bytes in two groups of 8, and their printable characters.
    static func dump(_ bytes: [UInt8], startingAt offset: Int) -> [String] {
        stride(from: 0, to: bytes.count, by: 16).map { start in
            let row = bytes[start..<min(start + 16, bytes.count)]
            var hex = ""
            for (index, byte) in row.enumerated() {
                hex += (index == 8 ? "  " : " ") + string([byte])
            }
            let missing = 16 - row.count
            hex += String(repeating: "   ", count: missing) + (row.count <= 8 ? " " : "")
            let printable = String(decoding: row.map { (0x20...0x7E).contains($0) ? $0 : 0x2E }, as: UTF8.self)
            let address = String(offset + start, radix: 16)
            return String(repeating: "0", count: max(0, 8 - address.count)) + address + " " + hex + "  |" + printable + "|"
        }
    }
}
