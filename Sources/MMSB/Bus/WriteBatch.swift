/// Ranged writes gathered to be applied together, all or nothing, under one lock acquisition.
///
/// The payloads of all writes share one buffer, so adding a write allocates nothing once the batch
/// has grown to its working size; call ``removeAll(keepingCapacity:)`` to reuse it. Writes are
/// checked when the batch is applied: a bad write rejects the whole batch with
/// ``DeltaError/rejectedInBatch(index:cause:)`` and changes nothing.
public struct WriteBatch: Sendable {
    struct Entry {
        var page: PageID
        var offset: Int
        var length: Int
        var payloadStart: Int
    }

    private(set) var entries: [Entry] = []
    private(set) var payload: [UInt8] = []
    /// The source of every delta in the batch.
    public var source: DeltaSource
    /// The intent recorded with every delta in the batch.
    public var intent: String?

    /// An empty batch; `capacity` writes and `payloadCapacity` bytes fit without reallocating.
    public init(source: DeltaSource = .user, intent: String? = nil, capacity: Int = 0, payloadCapacity: Int = 0) {
        self.source = source
        self.intent = intent
        entries.reserveCapacity(capacity)
        payload.reserveCapacity(payloadCapacity)
    }

    /// Adds a write of `bytes` at `offset` of `page`.
    @inlinable
    public mutating func write(page: PageID, offset: Int, bytes: [UInt8]) {
        bytes.withUnsafeBytes { write(page: page, offset: offset, bytes: $0) }
    }

    /// Adds a write of `bytes` at `offset` of `page`; the bytes are copied.
    public mutating func write(page: PageID, offset: Int, bytes: UnsafeRawBufferPointer) {
        entries.append(Entry(page: page, offset: offset, length: bytes.count, payloadStart: payload.count))
        payload.append(contentsOf: bytes)
    }

    /// Calls `body` with each write's index, page, offset and bytes, in order.
    func forEachWrite(_ body: (_ index: Int, _ page: PageID, _ offset: Int, _ bytes: UnsafeRawBufferPointer) -> Void) {
        payload.withUnsafeBytes { payload in
            for (index, entry) in entries.enumerated() {
                body(index, entry.page, entry.offset,
                     UnsafeRawBufferPointer(rebasing: payload[entry.payloadStart..<(entry.payloadStart + entry.length)]))
            }
        }
    }

    /// Writes in the batch.
    public var count: Int { entries.count }
    /// Whether the batch holds no write.
    public var isEmpty: Bool { entries.isEmpty }
    /// Payload bytes in the batch.
    public var byteCount: Int { payload.count }

    /// Empties the batch, by default keeping its buffers for reuse.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        entries.removeAll(keepingCapacity: keepingCapacity)
        payload.removeAll(keepingCapacity: keepingCapacity)
    }
}
