/// Everything a bus guards with its lock: the page table, page metadata, and the id counters.
struct BusState: ~Copyable {
    var table = PageTable()
    /// Metadata of the pages that have any; a page without metadata costs nothing here.
    var metadata: [PageID: PageMetadata] = [:]
    /// The highest page id ever used (0 before the first page). Ids up to it are never handed out again;
    /// automatic ids continue after it. Kept as "highest used" rather than "next" so that using
    /// `UInt64.max` cannot wrap around.
    var highestPageID: UInt64 = 0
    /// Which pages depend on which (logged, checkpointed).
    var graph = DependencyGraph()
    /// Rules, marks and queued changes of propagation (memory only).
    var propagation = PropagationState()

    /// The id the next page created without a chosen id gets, or `nil` when every id has been used.
    var nextPageID: PageID? { highestPageID == .max ? nil : PageID(highestPageID + 1) }
    /// The id the next applied delta gets.
    var nextDeltaID: UInt64 = 1
    /// Set when a sync of changes already applied here failed: the bus then refuses reads and writes,
    /// because what it holds may not be durable (PostgreSQL's "fsyncgate" lesson: never retry a failed sync).
    var failure: LogError?
    /// Scratch space for a batch's resolved slots, reused from batch to batch.
    private var scratch: UnsafeMutablePointer<Int> = .allocate(capacity: 0)
    private var scratchCapacity = 0

    /// Reusable run buffer for replaying deltas without allocating per delta.
    private var runScratch: [DeltaRun] = []
    /// Room a tick saves replaced bytes in, reused from tick to tick (a fresh large allocation would
    /// page-fault on every tick).
    private var undoBuffer: UnsafeMutableRawPointer = .allocate(byteCount: 0, alignment: 16)
    private var undoCapacity = 0
    /// Counts the distinct pages of a tick.
    var slotStamps = SlotStamps()

    init() {}

    deinit {
        scratch.deallocate()
        undoBuffer.deallocate()
    }

    /// Room for `byteCount` bytes of saved page contents; valid until the next call.
    mutating func undoRoom(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount > undoCapacity {
            undoBuffer.deallocate()
            undoCapacity = max(byteCount, undoCapacity * 2)
            undoBuffer = .allocate(byteCount: undoCapacity, alignment: 16)
        }
        return undoBuffer
    }

    /// Takes the reusable run buffer (give it back with ``returnRunScratch(_:)``).
    mutating func takeRunScratch() -> [DeltaRun] {
        defer { runScratch = [] }
        return runScratch
    }

    mutating func returnRunScratch(_ runs: [DeltaRun]) { runScratch = runs }

    /// Scratch room for `count` slots; valid until the next call.
    mutating func slotScratch(count: Int) -> UnsafeMutablePointer<Int> {
        if count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(count, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        return scratch
    }

    /// The slot of `page`, or the error a delta for a missing page gets.
    @inline(__always)
    func slot(forDeltaTo page: PageID) throws(DeltaError) -> PageTable.Slot {
        guard let slot = table.slot(of: page) else { throw .pageNotFound(page) }
        return slot
    }

    /// The slot of `page`, or the error a page operation on a missing page gets.
    @inline(__always)
    func slot(of page: PageID) throws(PageError) -> PageTable.Slot {
        guard let slot = table.slot(of: page) else { throw .notFound(page) }
        return slot
    }

    /// The page's public description.
    func info(_ slot: PageTable.Slot) -> PageInfo {
        let id = table.id(slot)
        return PageInfo(
            id: id, size: table.size(slot), location: table.location(slot), epoch: table.epoch(slot),
            metadata: metadata[id] ?? PageMetadata(), dirtyChunks: table.dirtyChunkCount(slot))
    }
}

/// Counts distinct slots with stamps instead of a set (no hashing, no allocation once grown).
///
/// A separate copyable type: written as a mutating method of the noncopyable `BusState`, the same loop
/// made the Swift 6.3 compiler hang in debug builds.
struct SlotStamps {
    private var stamps: [UInt32] = []
    private var stamp: UInt32 = 0

    /// The distinct slots of `slots`, in first-seen order.
    mutating func distinct(_ slots: [Int]) -> [Int] {
        if stamp == .max {
            stamps = [UInt32](repeating: 0, count: stamps.count)
            stamp = 0
        }
        stamp += 1
        if let highest = slots.max(), highest >= stamps.count {
            stamps.append(contentsOf: repeatElement(0, count: highest + 1 - stamps.count))
        }
        var distinct: [Int] = []
        for slot in slots where stamps[slot] != stamp {
            stamps[slot] = stamp
            distinct.append(slot)
        }
        return distinct
    }
}
