/// Errors about deltas: their shape, and whether they fit the page they are applied to.
public indirect enum DeltaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A mask and a payload that do not agree: equal lengths for a dense delta, one payload byte per
    /// set mask entry for a sparse delta.
    case sizeMismatch(maskLength: Int, payloadLength: Int)
    /// Two deltas that must target the same page do not.
    case pageMismatch(expected: PageID, found: PageID)
    /// A delta that writes no byte.
    case empty(PageID)
    /// A run with a negative offset, or of zero bytes.
    case invalidRun(offset: Int, length: Int)
    /// Runs that are not sorted by offset or that overlap: the run at `offset` starts before `previousEnd`.
    case overlappingRuns(previousEnd: Int, offset: Int)
    /// A delta reaching byte `end` of a page that holds `pageSize` bytes.
    case outOfBounds(page: PageID, end: Int, pageSize: Int)
    /// A delta whose epoch is older than its page's.
    case staleEpoch(page: PageID, deltaEpoch: Epoch, pageEpoch: Epoch)
    /// The delta's page does not exist.
    case pageNotFound(PageID)
    /// New contents whose length differs from the page's or the old contents'.
    case lengthMismatch(expected: Int, found: Int)
    /// A custom source label that is empty or longer than 255 bytes.
    case invalidSource(String)
    /// Delta `index` of a batch was rejected for `cause`; nothing in the batch was applied.
    case rejectedInBatch(index: Int, cause: DeltaError)
    /// The page's epoch is `UInt64.max` (reached through a delta that set it): it cannot advance, so the
    /// page cannot change any more.
    case epochExhausted(PageID)

    public var description: String {
        switch self {
        case .sizeMismatch(let mask, let payload):
            return "mask and payload do not match: the mask selects \(mask) bytes but the payload has \(payload)"
        case .pageMismatch(let expected, let found):
            return "deltas for different pages: expected page \(expected), found page \(found)"
        case .empty(let page):
            return "empty delta for page \(page): a delta must write at least one byte"
        case .invalidRun(let offset, let length):
            return "invalid run at offset \(offset) of \(length) bytes: offsets are non-negative and runs non-empty"
        case .overlappingRuns(let previousEnd, let offset):
            return "runs must be sorted and must not overlap: a run starts at \(offset), before the previous one ends at \(previousEnd)"
        case .outOfBounds(let page, let end, let size):
            return "delta for page \(page) reaches byte \(end) but the page holds \(size) bytes"
        case .staleEpoch(let page, let delta, let current):
            return "stale delta for page \(page): its epoch \(delta) is older than the page's epoch \(current)"
        case .pageNotFound(let page):
            return "page \(page) does not exist"
        case .lengthMismatch(let expected, let found):
            return "length mismatch: expected \(expected) bytes, found \(found)"
        case .invalidSource(let label):
            return "invalid source label \"\(label)\": a custom label has 1 to 255 bytes"
        case .rejectedInBatch(let index, let cause):
            return "batch rejected, nothing applied: delta \(index): \(cause)"
        case .epochExhausted(let page):
            return "page \(page) is at the last epoch (\(UInt64.max)): its epoch cannot advance, so it cannot change any more"
        }
    }
}
