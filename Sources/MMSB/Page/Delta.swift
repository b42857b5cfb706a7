/// A change to one page: the only way page bytes ever change.
///
/// Inside, a delta is a run list: sorted, non-overlapping, non-empty ``DeltaRun``s whose bytes are
/// packed one after another in ``payload``. Build one from an offset and bytes, from runs, or with
/// the original's mask constructors ``dense(page:epoch:mask:payload:source:intent:)`` and
/// ``sparse(page:epoch:mask:payload:source:intent:)``. A delta is always well formed: every
/// constructor checks its shape and throws ``DeltaError`` otherwise, and an empty delta cannot exist.
///
/// Whether a delta fits a page (its size, its epoch) is checked when it is applied.
public struct Delta: Equatable, Sendable {
    /// The id a bus gave the delta when applying it; ``DeltaID/unassigned`` before that.
    public var id: DeltaID
    /// The page the delta writes.
    public var page: PageID
    /// The page's epoch once the delta is applied; it may not be older than the page's epoch.
    public var epoch: Epoch
    /// Where the delta came from.
    public var source: DeltaSource
    /// Nanoseconds since the UNIX epoch; a bus stamps it from its clock when it applies the delta.
    public var timestamp: UInt64
    /// Free text saying why the change was made (the original's intent metadata).
    public var intent: String?
    /// The spans written, sorted by offset, never overlapping, never empty.
    public private(set) var runs: [DeltaRun]
    /// The bytes of all runs, in run order.
    public private(set) var payload: [UInt8]
    /// The bytes the delta spans from offset 0: the mask length for mask-built deltas, else the end of
    /// the last run. A page must hold at least this many bytes.
    public private(set) var extent: Int

    /// A delta writing `bytes` at `offset`.
    ///
    /// - Throws: ``DeltaError/empty(_:)`` when `bytes` is empty; ``DeltaError/invalidRun(offset:length:)``
    ///   when `offset` is negative.
    public init(
        page: PageID, epoch: Epoch, offset: Int, bytes: [UInt8],
        source: DeltaSource = .user, intent: String? = nil
    ) throws(DeltaError) {
        guard !bytes.isEmpty else { throw .empty(page) }
        guard offset >= 0, offset <= Int.max - bytes.count else { throw .invalidRun(offset: offset, length: bytes.count) }
        self.init(
            page: page, epoch: epoch, source: source, intent: intent,
            runs: [DeltaRun(offset: offset, length: bytes.count)], payload: bytes, extent: offset + bytes.count)
    }

    /// A delta writing each `(offset, bytes)` run; runs must be sorted by offset and must not overlap.
    ///
    /// - Throws: ``DeltaError/empty(_:)``, ``DeltaError/invalidRun(offset:length:)`` or
    ///   ``DeltaError/overlappingRuns(previousEnd:offset:)``.
    public init(
        page: PageID, epoch: Epoch, runs: [(offset: Int, bytes: [UInt8])],
        source: DeltaSource = .user, intent: String? = nil
    ) throws(DeltaError) {
        guard !runs.isEmpty else { throw .empty(page) }
        var spans: [DeltaRun] = []
        spans.reserveCapacity(runs.count)
        var payload: [UInt8] = []
        payload.reserveCapacity(runs.reduce(0) { $0 + $1.bytes.count })
        var previousEnd = 0
        for run in runs {
            guard run.offset >= 0, !run.bytes.isEmpty, run.offset <= Int.max - run.bytes.count else {
                throw .invalidRun(offset: run.offset, length: run.bytes.count)
            }
            guard run.offset >= previousEnd else { throw .overlappingRuns(previousEnd: previousEnd, offset: run.offset) }
            spans.append(DeltaRun(offset: run.offset, length: run.bytes.count))
            payload.append(contentsOf: run.bytes)
            previousEnd = run.offset + run.bytes.count
        }
        self.init(page: page, epoch: epoch, source: source, intent: intent, runs: spans, payload: payload, extent: previousEnd)
    }

    /// Assembles a delta from parts already known to be well formed.
    init(
        id: DeltaID = .unassigned, page: PageID, epoch: Epoch, source: DeltaSource, timestamp: UInt64 = 0,
        intent: String?, runs: [DeltaRun], payload: [UInt8], extent: Int
    ) {
        self.id = id
        self.page = page
        self.epoch = epoch
        self.source = source
        self.timestamp = timestamp
        self.intent = intent
        self.runs = runs
        self.payload = payload
        self.extent = extent
    }

    /// Bytes the delta writes.
    public var byteCount: Int { payload.count }

    /// Calls `body` with each run's offset and bytes, in order.
    public func forEachRun(_ body: (_ offset: Int, _ bytes: UnsafeRawBufferPointer) throws -> Void) rethrows {
        try payload.withUnsafeBytes { all in
            var start = 0
            for run in runs {
                try body(run.offset, UnsafeRawBufferPointer(rebasing: all[start..<(start + run.length)]))
                start += run.length
            }
        }
    }

    /// Writes the delta into `bytes`, which stand for the page.
    ///
    /// - Throws: ``DeltaError/outOfBounds(page:end:pageSize:)`` if the delta reaches past `bytes`; then
    ///   nothing is written.
    public func apply(to bytes: UnsafeMutableRawBufferPointer) throws(DeltaError) {
        guard extent <= bytes.count else { throw .outOfBounds(page: page, end: extent, pageSize: bytes.count) }
        writeRuns(into: bytes.baseAddress!)
    }

    /// Writes the delta into `bytes`, which stand for the page.
    ///
    /// - Throws: ``DeltaError/outOfBounds(page:end:pageSize:)`` if the delta reaches past `bytes`.
    public func apply(to bytes: inout [UInt8]) throws(DeltaError) {
        guard extent <= bytes.count else { throw .outOfBounds(page: page, end: extent, pageSize: bytes.count) }
        bytes.withUnsafeMutableBytes { writeRuns(into: $0.baseAddress!) }
    }

    /// Copies every run to `base`; bounds were checked by the caller.
    @inline(__always)
    func writeRuns(into base: UnsafeMutableRawPointer) {
        payload.withUnsafeBytes { all in
            var start = 0
            for run in runs {
                (base + run.offset).copyMemory(from: all.baseAddress! + start, byteCount: run.length)
                start += run.length
            }
        }
    }
}

extension Delta: CustomStringConvertible {
    public var description: String {
        "Delta(id: \(id), page: \(page), epoch: \(epoch), source: \(source), runs: \(runs.count), bytes: \(byteCount))"
    }
}
