/// Why a recompute rule could not produce a page's new bytes. The change that started the wave is
/// abandoned whole: nothing of it is applied or logged, and the bus keeps working.
public enum RuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule produced `found` bytes for a page of `expected` bytes.
    case wrongLength(page: PageID, expected: Int, found: Int)
    /// The rule threw; `reason` is what it threw.
    case failed(page: PageID, reason: String)
    /// A semiring rule's page and inputs cannot be read as vectors of the same length.
    case incompatibleSize(page: PageID, reason: String)
    /// The rule's inputs are not what it needs (a passthrough without exactly one data parent).
    case missingInput(page: PageID, reason: String)
    /// A page names a rule (``RuleRegistry``) that is not registered.
    case unknownRule(page: PageID, name: String)
    /// The page's epoch is `UInt64.max`: its new bytes cannot be written under a higher epoch.
    case epochExhausted(page: PageID)

    /// The page whose rule failed.
    public var page: PageID {
        switch self {
        case .wrongLength(let page, _, _), .failed(let page, _), .incompatibleSize(let page, _), .missingInput(let page, _),
            .unknownRule(let page, _), .epochExhausted(let page): page
        }
    }

    public var description: String {
        switch self {
        case .wrongLength(let page, let expected, let found):
            "the rule of page \(page) returned \(found) bytes; the page holds \(expected)"
        case .failed(let page, let reason):
            "the rule of page \(page) failed: \(reason)"
        case .incompatibleSize(let page, let reason):
            "the semiring rule of page \(page) cannot run: \(reason)"
        case .missingInput(let page, let reason):
            "the rule of page \(page) cannot run: \(reason)"
        case .unknownRule(let page, let name):
            "page \(page) names the rule \"\(name)\", which is not registered; register it in the RuleRegistry you open the store with"
        case .epochExhausted(let page):
            "page \(page) is at the last epoch (\(UInt64.max)) and cannot be recomputed"
        }
    }
}
