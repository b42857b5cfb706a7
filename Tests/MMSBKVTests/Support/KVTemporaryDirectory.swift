import Foundation

/// A fresh directory under the system's temporary directory, removed when the value goes away.
final class KVTemporaryDirectory {
    let path: String

    init(_ label: String = "kv") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mmsb-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The names in the directory, sorted.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}
