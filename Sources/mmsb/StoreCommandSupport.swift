import Foundation
import MMSB

/// An error of the command-line tool itself, told in one sentence.
struct CommandLineError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// Checks on the store directory a command names, made before the library opens it so that the
/// messages speak to a command-line user.
enum StoreDirectory {
    /// The path without a trailing slash (but `/` stays `/`).
    static func normalized(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// Throws unless `path` is an existing directory; whether it holds a store is left to the library,
    /// which says ``LogError/notAStore(path:found:)`` when it does not.
    static func requireExisting(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandLineError("no store at \(path): the directory does not exist")
        }
        guard isDirectory.boolValue else { throw LogError.notAStore(path: normalized(path), found: .file) }
    }

    /// Whether `path` does not exist or is an empty directory.
    ///
    /// - Throws: ``LogError/notAStore(path:found:)`` when `path` is a file; an error when the directory
    ///   cannot be listed.
    static func isAbsentOrEmpty(_ path: String) throws -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return true }
        guard isDirectory.boolValue else { throw LogError.notAStore(path: normalized(path), found: .file) }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).isEmpty
        } catch {
            throw CommandLineError("cannot list \(path): \(error.localizedDescription)")
        }
    }
}

/// Timestamps as text.
enum TimeText {
    /// `nanoseconds` since the UNIX epoch as an ISO 8601 UTC time with nine fractional digits,
    /// e.g. `2025-01-02T03:04:05.000000006Z`. Exact: no floating point is involved.
    static func iso8601(_ nanoseconds: UInt64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = nanoseconds % 1_000_000_000
        let days = Int64(seconds / 86_400)
        let secondOfDay = seconds % 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return pad(Int64(year), 4) + "-" + pad(Int64(month), 2) + "-" + pad(Int64(day), 2) + "T"
            + pad(Int64(secondOfDay / 3_600), 2) + ":" + pad(Int64(secondOfDay / 60 % 60), 2) + ":"
            + pad(Int64(secondOfDay % 60), 2) + "." + pad(Int64(fraction), 9) + "Z"
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension RecoveryReport {
    /// What recovery did, as a sentence fragment: "loaded the checkpoint covering LSN 3 and replayed 2
    /// log records after it; no torn tail".
    var summaryText: String {
        var text =
            checkpointLSN == .zero
            ? "found no checkpoint and replayed \(counted(recordsReplayed, "log record"))"
            : "loaded the checkpoint covering LSN \(checkpointLSN) and replayed \(counted(recordsReplayed, "log record")) after it"
        text += tornTail.map { "; cut a torn tail: \($0)" } ?? "; no torn tail"
        if let salvaged { text += "; salvaged: \(salvaged)" }
        return text
    }
}

/// Counts with their noun: `1 page`, `2 pages`.
func counted(_ count: some BinaryInteger, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
}
