import Foundation
import ArgumentParser

/// What `--json` prints: an `Encodable` report through `JSONEncoder` with sorted keys, so that equal
/// reports give equal bytes and scripts can diff them.
///
/// Every command that reports data takes `--json`; its text report and its JSON one are built from the
/// same values. Keys are camelCase, numbers are JSON numbers (LSNs, ids, epochs and hashes are exact
/// unsigned 64-bit integers), times are nanoseconds since the UNIX epoch, and a field that can be
/// absent is `null` rather than missing (``JSONNullable``).
enum JSONOutput {
    /// `value` as JSON on one line: a report is one line, and `log` prints one line per record, so
    /// every `--json` output is JSON Lines (pipe it through `jq .` to read it indented).
    static func text(_ value: some Encodable) throws(CommandLineError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CommandLineError("cannot write the report as JSON: \(error)")
        }
    }

    /// Prints `value` as one line of JSON on standard output.
    static func print(_ value: some Encodable) throws(CommandLineError) {
        Swift.print(try text(value))
    }
}

/// An optional field written as `null` when absent (a synthesized `Encodable` would leave the key out),
/// so that a JSON report always has the same keys.
@propertyWrapper
struct JSONNullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// `--json`, the same flag on every command that prints data.
struct JSONOutputOption: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text: one object per line (per report, record or block), keys sorted.")
    var json = false
}
