import Foundation

/// The Swift examples of the project's Markdown (README.md, the DocC articles) and their copies in the
/// test suites, which compile and run them.
///
/// A test file holds each example of a document between `// snippet: <document>` and
/// `// end snippet` lines, followed by checks of what the example did; lines between
/// `// snippet pause` and `// snippet resume` are the test's own (a check inside an example's block). ``mismatch(document:tests:)``
/// compares the document's ```swift blocks with those regions, in order, character for character, so
/// an example that does not compile, crashes or says what it does not do cannot be published.
public enum DocumentationSnippets {
    /// The repository's root, found from a test file's `#filePath`.
    public static func repositoryRoot(from filePath: String) -> URL {
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }

    /// `nil` when the ```swift blocks of `document` (a path from the repository's root) are, in order,
    /// exactly the regions marked for it in the test files `tests`; otherwise what differs.
    public static func mismatch(document: String, tests: [String], root: URL) throws -> String? {
        let published = fencedSwiftBlocks(in: try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8))
        var tested: [String] = []
        for test in tests {
            tested += markedRegions(in: try String(contentsOf: URL(fileURLWithPath: test), encoding: .utf8), document: document)
        }
        guard published != tested else { return nil }
        if published.count != tested.count {
            return "\(document) has \(published.count) Swift examples, the tests run \(tested.count)"
        }
        let index = zip(published, tested).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
        return "example \(index + 1) of \(document) differs from its test copy:\n--- document\n\(published[index])\n--- test\n\(tested[index])"
    }

    /// The bodies of the ```swift blocks of a Markdown text, in order, less the `import` lines that open
    /// a block (the test file has its own).
    public static func fencedSwiftBlocks(in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if let lines = current, line == "```" {
                blocks.append(lines.drop { $0.hasPrefix("import ") || $0.isEmpty }.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The regions of a Swift source marked for `document`, their common indentation removed.
    public static func markedRegions(in source: String, document: String) -> [String] {
        var regions: [String] = []
        var current: [Substring]?
        var paused = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "// snippet: " + document {
                current = []
            } else if current != nil, trimmed == "// snippet pause" {
                paused = true
            } else if current != nil, trimmed == "// snippet resume" {
                paused = false
            } else if paused {
                continue
            } else if trimmed == "// end snippet", let lines = current {
                let indent = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
                regions.append(lines.map { $0.allSatisfy(\.isWhitespace) ? "" : String($0.dropFirst(indent)) }.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return regions
    }
}
