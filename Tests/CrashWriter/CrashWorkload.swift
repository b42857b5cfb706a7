import MMSB

/// Why the crash writer refuses a store.
enum CrashWriterError: Error, CustomStringConvertible {
    /// The store's pages are not the workload's pages.
    case wrongPages(found: Int, sizes: [Int], expected: Int)
    /// The store's delta count does not end on a call boundary of this seed's workload.
    case foreignHistory(deltas: UInt64, seed: UInt64)

    var description: String {
        switch self {
        case .wrongPages(let found, let sizes, let expected):
            let shown = sizes.prefix(8).map(String.init).joined(separator: ", ")
            return "the store holds \(found) pages (sizes \(shown)\(sizes.count > 8 ? ", …" : "")); "
                + "the crash writer needs \(expected) pages of \(CrashWorkload.pageSize) bytes"
        case .foreignHistory(let deltas, let seed):
            return "the store's \(deltas) deltas are not a whole number of calls of the crash-writer workload with seed \(seed)"
        }
    }
}

/// The crash writer's workload: call k is a pure function of (seed, k), so a test can replay exactly
/// the calls a store recovered.
enum CrashWorkload {
    /// Bytes in every workload page.
    static let pageSize = 64
    /// The most pages a workload may use.
    static let maximumPages = 4_096

    /// One ranged write: `page` is an index into the workload's pages, not a page id.
    struct Write: Equatable, Sendable {
        var page: Int
        var offset: Int
        var bytes: [UInt8]
    }

    /// One call to the bus: a single `write`, or a `WriteBatch` of 2 to 8 writes.
    enum Call: Equatable, Sendable {
        case single(Write)
        case batch([Write])

        /// Deltas the call makes, so delta ids it uses.
        var deltaCount: Int {
            switch self {
            case .single: 1
            case .batch(let writes): writes.count
            }
        }
    }

    /// Call `k` (from 1) of the workload with `seed` over `pages` pages.
    static func call(_ k: UInt64, seed: UInt64, pages: Int) -> Call {
        // Mix k before combining it with the seed, so nearby calls and nearby seeds share no draws.
        var keyed = SplitMix64(seed: k)
        var random = SplitMix64(seed: seed ^ keyed.next())
        if random.next() % 2 == 0 { return .single(write(pages: pages, random: &random)) }
        let count = 2 + Int(random.next() % 7)
        return .batch((0..<count).map { _ in write(pages: pages, random: &random) })
    }

    private static func write(pages: Int, random: inout SplitMix64) -> Write {
        let page = Int(random.next() % UInt64(pages))
        // Mostly short writes, now and then up to the whole page.
        let length = random.next() % 8 == 0 ? 1 + Int(random.next() % UInt64(pageSize)) : 1 + Int(random.next() % 16)
        let offset = Int(random.next() % UInt64(pageSize - length + 1))
        let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return Write(page: page, offset: offset, bytes: bytes)
    }

    /// The number of calls whose deltas end exactly before `nextDeltaID`, or `nil` when `nextDeltaID`
    /// falls inside a call (a state no prefix of the workload has).
    static func call(after nextDeltaID: DeltaID, seed: UInt64, pages: Int) -> UInt64? {
        guard nextDeltaID.rawValue >= 1 else { return nil }
        let deltas = nextDeltaID.rawValue - 1
        var k: UInt64 = 0
        var total: UInt64 = 0
        while total < deltas {
            k += 1
            total += UInt64(call(k, seed: seed, pages: pages).deltaCount)
        }
        return total == deltas ? k : nil
    }

    /// The id of the last delta of calls 1 through `k`.
    static func lastDeltaID(ofCall k: UInt64, seed: UInt64, pages: Int) -> DeltaID {
        var total: UInt64 = 0
        var index: UInt64 = 0
        while index < k {
            index += 1
            total += UInt64(call(index, seed: seed, pages: pages).deltaCount)
        }
        return DeltaID(total)
    }

    /// The workload's page ids in `bus`, creating pages up to `count` when no delta has been written yet.
    ///
    /// - Throws: ``CrashWriterError/wrongPages(found:sizes:expected:)`` when the store holds other pages.
    static func preparePages(of bus: StateBus, count: Int) throws -> [PageID] {
        let existing = bus.pages()
        let sizes = existing.map(\.size)
        let fits = existing.count <= count && sizes.allSatisfy { $0 == pageSize }
            && (existing.count == count || bus.nextDeltaID == DeltaID(1))
        guard fits else { throw CrashWriterError.wrongPages(found: existing.count, sizes: sizes, expected: count) }
        var ids = existing.map(\.id)
        while ids.count < count { ids.append(try bus.createPage(size: pageSize)) }
        return ids
    }

    /// Applies `call` to `bus` and returns the id of its last delta.
    @discardableResult
    static func apply(_ call: Call, to bus: StateBus, pages: [PageID]) throws -> DeltaID {
        switch call {
        case .single(let write):
            return try bus.write(page: pages[write.page], offset: write.offset, bytes: write.bytes).delta
        case .batch(let writes):
            var batch = WriteBatch(capacity: writes.count, payloadCapacity: writes.reduce(0) { $0 + $1.bytes.count })
            for write in writes { batch.write(page: pages[write.page], offset: write.offset, bytes: write.bytes) }
            // A batch of 2 to 8 writes is never empty, so it always has a last id.
            return try bus.apply(batch).deltas?.upperBound ?? .unassigned
        }
    }
}
