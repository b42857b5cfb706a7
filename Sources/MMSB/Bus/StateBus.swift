import Synchronization
/// The facade of MMSB: pages of bytes that change only through deltas.
///
/// A bus holds pages (ids, sizes, locations, epochs, metadata, bytes) and applies deltas to them. All
/// changes go through one ordered write path, which is what makes a run reproducible: the same calls
/// give the same ids, epochs and bytes. Reads take a shared lock and run in parallel with each other.
///
/// ```swift
/// let bus = StateBus()
/// let page = try bus.createPage(size: 16)
/// try bus.write(page: page, offset: 0, bytes: Array("mmsb-delta-proof".utf8))
/// let bytes = try bus.read(page: page)
/// ```
///
/// Every operation that can fail throws a typed error (``PageError``, ``DeltaError``, ``MetadataError``)
/// and changes nothing when it does. Batches are validated whole before any of their deltas is applied.
///
/// ## Topics
/// ### Pages
/// - ``createPage(size:location:metadata:)``
/// - ``createPage(id:size:location:metadata:)``
/// - ``deletePage(_:)``
/// - ``info(page:)``
/// - ``pages()``
/// ### Writing
/// - ``write(page:offset:bytes:source:intent:)-(_,_,[UInt8],_,_)``
/// - ``update(page:to:source:intent:)``
/// - ``apply(_:)-(Delta)``
/// - ``apply(_:)-([Delta])``
/// - ``apply(_:)-(WriteBatch)``
/// ### Reading
/// - ``read(page:)``
/// - ``withUnsafeBytes(of:_:)``
public final class StateBus: Sendable {
    /// How a bus is set up.
    public struct Configuration: Sendable {
        /// What to do with ``PageLocation/gpu`` and ``PageLocation/unified`` pages while no device backend exists.
        public var deviceMemory: DeviceMemoryPolicy
        /// Where delta timestamps come from.
        public var clock: any WallClock
        /// When dependants of a changed page are recomputed.
        public var propagation: PropagationMode
        /// Threads ``StateBus/tick(_:)`` applies independent pages on (1 = on the calling thread only).
        public var applyWorkers: Int
        /// Ticks that write fewer bytes than this apply them on the calling thread alone: handing work
        /// to other threads costs tens of microseconds, more than copying a few MiB saves (measured on
        /// the 2-core development VM: 4 MiB per tick is faster on one thread, 16 MiB nearly twice as
        /// fast on two).
        public var parallelApplyMinimumBytes: Int
        /// The time a tick should take; ``TickMetrics/budgetMet`` says whether it did.
        public var tickBudget: Duration

        public init(
            deviceMemory: DeviceMemoryPolicy = .refuse, clock: any WallClock = SystemWallClock(),
            propagation: PropagationMode = .immediate, applyWorkers: Int = 1, tickBudget: Duration = .milliseconds(16),
            parallelApplyMinimumBytes: Int = 8 << 20
        ) {
            self.deviceMemory = deviceMemory
            self.clock = clock
            self.propagation = propagation
            self.applyWorkers = max(1, applyWorkers)
            self.parallelApplyMinimumBytes = max(0, parallelApplyMinimumBytes)
            self.tickBudget = tickBudget
        }
    }

    /// The largest page: 1 GiB.
    public static let maximumPageSize = PageMemoryPool.maximumBufferSize

    /// The configuration the bus was made with.
    public let configuration: Configuration
    let state = ReadWriteLock(BusState())
    /// Subscribers and events waiting for delivery.
    let events = EventHub()
    /// The write-ahead journal; `nil` for an in-memory bus.
    ///
    /// Read only under the write lock, and assigned only by ``attach(_:store:)`` under the write lock
    /// before a store's bus is handed out, which is what makes `nonisolated(unsafe)` sound here.
    nonisolated(unsafe) private(set) var journal: (any WriteAheadJournal)?
    /// The on-disk store behind the bus, if it was opened from a directory. Set with `journal`.
    nonisolated(unsafe) private(set) var store: OpenStore?
    /// Shares syncs among concurrent writers when the store's durability is `always`. Set with `journal`.
    nonisolated(unsafe) private(set) var groupCommit: GroupCommit?
    /// Set by ``close()``: from then on every change fails with ``LogError/closed``, in memory as on disk.
    let isClosed = Atomic<Bool>(false)

    /// Marks the bus as being rebuilt from a log: changes apply as logged, no wave runs, until
    /// ``attach(_:store:)`` (a view of the past stays so: it never changes again).
    func beginReplay() {
        state.withWriteLock { $0.propagation.isReplaying = true }
    }

    /// An empty in-memory bus.
    public convenience init(configuration: Configuration = Configuration()) {
        self.init(configuration: configuration, journal: nil)
    }

    /// A bus that records every change in `journal` before applying it.
    init(configuration: Configuration, journal: (any WriteAheadJournal)?) {
        self.configuration = configuration
        self.journal = journal
    }

    /// A bus released without ``close()`` ends its event sequences too, so no consumer waits forever.
    deinit { events.close() }

    /// Pages on the bus.
    public var pageCount: Int { state.withReadLock { $0.table.count } }

    /// Exact accounting of page memory and of the page table's bookkeeping.
    public var memoryStatistics: MemoryStatistics { state.withReadLock { $0.table.statistics } }

    /// The id the next delta applied will get.
    public var nextDeltaID: DeltaID { state.withReadLock { DeltaID($0.nextDeltaID) } }

    /// The id the next page created without a chosen id will get, or `nil` once every id up to
    /// `UInt64.max` has been used.
    public var nextPageID: PageID? { state.withReadLock { $0.nextPageID } }

    @inline(__always)
    /// Connects a freshly recovered bus to its store's log; every later change is journalled there.
    func attach(_ log: TransactionLog, store: OpenStore) {
        state.withWriteLock { state in
            journal = log
            self.store = store
            groupCommit = log.durability == .always ? GroupCommit() : nil
            state.propagation.isReplaying = false
        }
    }

    /// Runs a change under the write lock: directly, or in a group that shares one sync (`always`).
    @inline(__always)
    func change<R>(_ body: (inout BusState) throws -> R) throws -> R {
        if isClosed.load(ordering: .acquiring) { throw LogError.closed }
        let result: R
        if let groupCommit {
            result = try groupCommit.perform(on: self, body)
        } else {
            result = try state.withWriteLock { state in
                if let failure = state.failure { throw failure }
                return try body(&state)
            }
        }
        if store != nil { checkpointIfDue() }
        events.deliver()
        return result
    }

    /// Commits a group: runs each change in order under the write lock, then syncs the log once. If the
    /// sync fails, every change of the group fails and the bus is poisoned.
    func commit(_ group: [CommitRequest]) {
        state.withWriteLock { state in
            if let failure = state.failure {
                for request in group { request.fail(failure) }
                return
            }
            for request in group { request.run(&state) }
            guard let store else { return }
            do {
                try store.log.sync()
            } catch LogError.closed {
                // Closed under the group (or before it): nothing was written, nothing is poisoned.
                for request in group { request.fail(LogError.closed) }
            } catch {
                state.failure = .poisoned(cause: "\(error)")
                for request in group { request.fail(error) }
            }
        }
    }

    /// Journals a change stamped `timestamp` (by default the clock's time); nothing without a journal.
    func record(_ record: @autoclosure () -> JournalRecord, at timestamp: UInt64? = nil) throws {
        if let journal { try journal.append(record(), timestamp: timestamp ?? configuration.clock.now()) }
    }
}
