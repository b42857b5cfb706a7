/// A read-only view of a store's state: its latest state (``StateBus/openReadOnly(at:configuration:)``)
/// or a past one (``StateBus/open(at:asOf:configuration:)``), rebuilt bit for bit from its checkpoint
/// and log.
///
/// A view has the reading calls of ``StateBus`` and none of its changing ones, so a view of the past
/// cannot be written to by mistake: the compiler refuses it. It holds no file and no lock; it is a
/// value that can be shared between threads.
///
/// ```swift
/// let past = try StateBus.open(at: "/tmp/state", asOf: .lsn(LSN(2)))
/// let bytes = try past.read(page: PageID(1))
/// ```
public struct StateView: Sendable {
    /// The rebuilt state, never handed out: nothing outside this type can change it.
    let bus: StateBus
    /// The LSN of the last log record the view includes (0 for an empty store; the checkpoint's LSN
    /// when no record follows it).
    public let lsn: LSN

    init(bus: StateBus, lsn: LSN) {
        self.bus = bus
        self.lsn = lsn
    }

    /// Pages in the view.
    public var pageCount: Int { bus.pageCount }

    /// Every page's id, size, location, epoch and metadata, by increasing id.
    public func pages() -> [PageInfo] { bus.pages() }

    /// One page's id, size, location, epoch and metadata.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func info(page id: PageID) throws -> PageInfo { try bus.info(page: id) }

    /// Whether the view holds `page`.
    public func contains(page id: PageID) -> Bool { bus.contains(page: id) }

    /// A copy of the page's bytes.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func read(page id: PageID) throws -> [UInt8] { try bus.read(page: id) }

    /// Copies the page's bytes into `buffer`, which must be exactly as large as the page.
    ///
    /// - Throws: ``PageError/notFound(_:)``; ``DeltaError/lengthMismatch(expected:found:)``.
    public func read(page id: PageID, into buffer: UnsafeMutableRawBufferPointer) throws { try bus.read(page: id, into: buffer) }

    /// Calls `body` with the page's bytes, without copying them; the buffer must not escape `body`.
    ///
    /// - Throws: ``PageError/notFound(_:)``, or what `body` throws.
    public func withUnsafeBytes<R>(of id: PageID, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try bus.withUnsafeBytes(of: id, body)
    }

    /// The page's metadata.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func metadata(of id: PageID) throws -> PageMetadata { try bus.metadata(of: id) }

    /// A copy of the dependency graph.
    public var dependencyGraph: DependencyGraph { bus.dependencyGraph }

    /// The id the next page would get; `nil` once every id was used.
    public var nextPageID: PageID? { bus.nextPageID }

    /// The id the next delta would get.
    public var nextDeltaID: DeltaID { bus.nextDeltaID }

    /// Exact accounting of the view's page memory.
    public var memoryStatistics: MemoryStatistics { bus.memoryStatistics }

    /// The digest of the state, as ``StateBus/stateDigest()`` computes it: equal for equal states.
    public func stateDigest() throws -> StateDigest { try bus.stateDigest() }
}
