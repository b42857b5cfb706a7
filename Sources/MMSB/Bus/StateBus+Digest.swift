/// A 64-bit fingerprint of a bus's whole state (XXH3-64): equal states have equal digests.
public struct StateDigest: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// 16 hexadecimal digits.
    public var description: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// What ``StateBus/verify(storeAt:)`` compared.
public struct VerifyReport: Sendable, Equatable, CustomStringConvertible {
    /// The state rebuilt from the checkpoint and the log after it.
    public var checkpointAndTail: StateDigest
    /// The state rebuilt by replaying the whole log from an empty store, when the store keeps its
    /// history from LSN 1 (``StoreOptions/keepHistory``); `nil` otherwise.
    public var fullReplay: StateDigest?
    /// The state of the bus that asked, when ``StateBus/verify()`` was called on an open store.
    public var live: StateDigest?
    /// The LSN both rebuilds end at: the last whole record of the log when verification began.
    public var lsn = LSN.zero
    /// Damage at the end of the log that both rebuilds stopped before (a writable open cuts it).
    public var tornTail: RecoveryReport.Damage?
    /// Whether a writer held the store during verification (records it appended later are not seen).
    public var writerActive = false

    public init(checkpointAndTail: StateDigest, fullReplay: StateDigest?, live: StateDigest? = nil) {
        self.checkpointAndTail = checkpointAndTail
        self.fullReplay = fullReplay
        self.live = live
    }

    /// Whether every state compared is the same.
    public var isConsistent: Bool {
        (fullReplay ?? checkpointAndTail) == checkpointAndTail && (live ?? checkpointAndTail) == checkpointAndTail
    }

    public var description: String {
        var parts = ["checkpoint + tail \(checkpointAndTail)"]
        parts.append(fullReplay.map { "full replay \($0)" } ?? "full replay unavailable (history not kept)")
        if let live { parts.append("live \(live)") }
        return (isConsistent ? "consistent" : "INCONSISTENT") + " at LSN \(lsn): " + parts.joined(separator: ", ")
    }
}

extension StateBus {
    /// The XXH3-64 digest of the state: the id counters, then every page in id order (id, size,
    /// location, epoch, metadata blob, bytes), then, when there are edges, the dependency graph as a
    /// checkpoint stores it. Dirty bits, rules and marks are not state and do not count.
    public func stateDigest() throws -> StateDigest {
        try state.withReadLock { (state) throws(LogError) -> StateDigest in
            if let failure = state.failure { throw failure }
            var hasher = XXH3Hasher()
            var head = ByteWriter(capacity: 64)
            head.uint64(state.highestPageID)
            head.uint64(state.nextDeltaID)
            head.uint64(UInt64(state.table.count))
            hasher.update(head.bytes)
            for slot in state.table.slotsByID() {
                let id = state.table.id(slot)
                let blob = state.metadata[id]?.blob ?? []
                head.bytes.removeAll(keepingCapacity: true)
                head.uint64(id.rawValue)
                head.uint64(UInt64(state.table.size(slot)))
                head.uint8(state.table.location(slot).rawValue)
                head.uint64(state.table.epoch(slot).rawValue)
                head.uint32(UInt32(blob.count))
                head.append(blob)
                hasher.update(head.bytes)
                hasher.update(UnsafeRawBufferPointer(start: state.table.data(slot), count: state.table.size(slot)))
            }
            if state.graph.edgeCount > 0 { hasher.update(state.graph.checkpointPayload()) }
            return StateDigest(hasher.finalize())
        }
    }

    /// Rebuilds the store's state from its checkpoint and log tail, and (when its history is kept) by a
    /// full replay from LSN 1, and compares the digests. Read-only, and safe beside a live writer: both
    /// rebuilds read one snapshot of the store's files and stop at the same LSN (the last whole record
    /// when the snapshot was taken), so a healthy store is always consistent.
    public static func verify(storeAt directory: String) throws -> VerifyReport {
        let snapshot = try snapshot(of: directory)
        let rebuilt = try rebuild(snapshot, target: nil, fullReplay: false)
        var full: StateDigest?
        // The full replay stops where the first rebuild did; an empty log needs no target.
        let end: ReplayTarget? = rebuilt.lastLSN > 0 ? .lsn(LSN(rebuilt.lastLSN)) : nil
        do {
            full = try rebuild(snapshot, target: end, fullReplay: true).bus.stateDigest()
        } catch LogError.historyUnavailable {
            full = nil
        }
        var report = VerifyReport(checkpointAndTail: try rebuilt.bus.stateDigest(), fullReplay: full)
        report.lsn = LSN(rebuilt.lastLSN)
        let summary = try summary(of: snapshot)
        report.tornTail = summary.tornTail
        report.writerActive = summary.writerActive
        return report
    }

    /// Syncs the log, then compares this bus's live state with the states ``verify(storeAt:)`` rebuilds.
    public func verify() throws -> VerifyReport {
        guard let path = storePath else { throw LogError.storeNotFound(path: "(an in-memory bus has no store)") }
        try sync()
        var report = try Self.verify(storeAt: path)
        report.live = try stateDigest()
        return report
    }
}
