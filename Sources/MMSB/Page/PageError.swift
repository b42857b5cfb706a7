/// Errors about pages: their ids, sizes, locations and existence.
public enum PageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A page size outside 1 byte … 1 GiB was asked for.
    case invalidSize(Int)
    /// No page has this id (it was never created, or it was deleted).
    case notFound(PageID)
    /// A page with this id exists already.
    case alreadyExists(PageID)
    /// The id is reserved: 0 is never a page id.
    case invalidID(PageID)
    /// A chosen id below the bus's next id that no live page has: it may have belonged to a deleted
    /// page, and ids are never reused.
    case retiredID(PageID, next: PageID?)
    /// Every page id up to `UInt64.max` has been used; automatic ids have run out.
    case idsExhausted
    /// The location needs a device backend this bus does not have.
    case locationUnavailable(PageLocation)
    /// A location tag other than 0 (cpu), 1 (gpu) or 2 (unified).
    case invalidLocationTag(Int32)
    /// Page memory could not be obtained.
    case memory(MemoryError)

    public var description: String {
        switch self {
        case .invalidSize(let size):
            return "invalid page size \(size): a page holds from 1 byte to 1 GiB (1073741824 bytes)"
        case .notFound(let id):
            return "page \(id) does not exist"
        case .alreadyExists(let id):
            return "page \(id) already exists; choose another id or let the bus assign one"
        case .invalidID(let id):
            return "page id \(id) is reserved; page ids start at 1"
        case .retiredID(let id, let next):
            guard let next else {
                return "page id \(id) may have belonged to a deleted page and ids are never reused; every id has been used"
            }
            return "page id \(id) is below the bus's next id \(next): ids below it may have belonged to deleted pages "
                + "and are never reused; choose an id of \(next) or more, or let the bus assign one"
        case .idsExhausted:
            return "no page id is left: ids up to 18446744073709551615 have been used and ids are never reused"
        case .locationUnavailable(let location):
            return "no device backend for \(location) pages; create a cpu page, or open the bus with "
                + "deviceMemory: .emulateInHostMemory to keep \(location) pages in host memory"
        case .invalidLocationTag(let tag):
            return "invalid location tag \(tag): expected 0 (cpu), 1 (gpu) or 2 (unified)"
        case .memory(let error):
            return error.description
        }
    }
}
