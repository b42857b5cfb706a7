/// Errors decoding a page metadata blob (the original's format, §3.1 of the spec).
public enum MetadataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The blob ended inside a count or length field that starts at `offset`.
    case unexpectedEnd(offset: Int)
    /// A key or value of `length` bytes starting at `offset` runs past the blob's end.
    case truncated(offset: Int, length: Int)
    /// The key starting at `offset` is not valid UTF-8.
    case invalidUTF8Key(offset: Int)
    /// The same key appears twice; the second copy starts at `offset`.
    case duplicateKey(String, offset: Int)
    /// Bytes remain after the last entry, from `offset` on.
    case trailingBytes(offset: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd(let offset):
            return "corrupt metadata blob: unexpected end of metadata at byte \(offset)"
        case .truncated(let offset, let length):
            return "corrupt metadata blob: metadata truncated, \(length) bytes announced at byte \(offset)"
        case .invalidUTF8Key(let offset):
            return "corrupt metadata blob: invalid utf-8 key at byte \(offset)"
        case .duplicateKey(let key, let offset):
            return "corrupt metadata blob: key \"\(key)\" appears twice (again at byte \(offset))"
        case .trailingBytes(let offset):
            return "corrupt metadata blob: unexpected bytes after the last entry, from byte \(offset)"
        }
    }
}
