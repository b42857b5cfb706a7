import MMSB

/// A token id. Dynamo's `Token = u32`; signed ids from a tokenizer are reinterpreted bit for bit
/// (so `-1` becomes `0xFFFF_FFFF`), which `Token(truncatingIfNeeded:)` does.
public typealias Token = UInt32

/// The seed of every hash of a sequence: it separates tenants, models and adapters, so equal
/// tokens under different salt hashes never share a cache entry.
///
/// Plain sequences use ``SaltHash/zero`` (Dynamo's `None`). ``init(salt:loraName:)`` derives the
/// salt hash from a salt string and a LoRA name exactly as Dynamo does.
public struct SaltHash: Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit seed.
    public var value: UInt64

    /// A salt hash with the given value.
    public init(_ value: UInt64) { self.value = value }

    /// The salt hash a sequence created without one uses (Dynamo's `salt_hash: None`).
    public static let zero = SaltHash(0)

    /// The salt hash of a `{salt, lora_name}` pair: `xxh3_64(json, seed 0)` over
    /// ``saltJSON(salt:loraName:)``.
    ///
    /// With neither a salt nor a LoRA name this is the hash of `{}` (1389868326933519382), which is
    /// not ``zero``: Dynamo keeps the two apart and so do we.
    public init(salt: String?, loraName: String?) {
        let json = Array(Self.saltJSON(salt: salt, loraName: loraName).utf8)
        value = XXH3.hash64(json, seed: 0)
    }

    /// The compact JSON Dynamo hashes for a salt: `{"salt":…,"lora_name":…}`, keys in that order,
    /// absent fields left out, strings escaped as serde_json escapes them (`"`, `\` and control
    /// characters; everything else, including non-ASCII, is written as UTF-8).
    public static func saltJSON(salt: String?, loraName: String?) -> String {
        var fields: [String] = []
        if let salt { fields.append("\"salt\":" + jsonString(salt)) }
        if let loraName { fields.append("\"lora_name\":" + jsonString(loraName)) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// `text` as a JSON string literal in serde_json's compact form.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    public var description: String { String(value) }
}
