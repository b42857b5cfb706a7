/// A page's metadata: an ordered list of string keys to byte values.
///
/// Order is insertion order; setting a key that exists removes the old entry and appends the new one
/// at the end, exactly as the original's `Metadata::insert`. The value type is a plain struct, so
/// copies are independent (the original's clones shared one store).
public struct PageMetadata: Equatable, Sendable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The entries, in order.
    public internal(set) var entries: [(key: String, value: [UInt8])]

    /// Empty metadata.
    public init() { entries = [] }

    /// Metadata with `entries` in order.
    ///
    /// - Throws: ``MetadataError/duplicateKey(_:offset:)`` if a key repeats (offset is the entry's index).
    public init(entries: [(key: String, value: [UInt8])]) throws(MetadataError) {
        self.entries = []
        for (index, entry) in entries.enumerated() {
            guard self[entry.key] == nil else { throw .duplicateKey(entry.key, offset: index) }
            self.entries.append(entry)
        }
    }

    public init(dictionaryLiteral elements: (String, [UInt8])...) {
        entries = []
        for (key, value) in elements { self[key] = value }
    }

    /// The value stored for `key`; assigning moves the key to the end, assigning `nil` removes it.
    public subscript(key: String) -> [UInt8]? {
        get { entries.first { $0.key == key }?.value }
        set {
            entries.removeAll { $0.key == key }
            if let newValue { entries.append((key, newValue)) }
        }
    }

    /// The number of entries.
    public var count: Int { entries.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }
    /// The keys, in order.
    public var keys: [String] { entries.map(\.key) }

    public static func == (lhs: PageMetadata, rhs: PageMetadata) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public var description: String {
        "[" + entries.map { "\($0.key): \($0.value.count) bytes" }.joined(separator: ", ") + "]"
    }
}
