import MMSB
import MMSBKV
import Testing

/// The pool against a deliberately naive model of the same rules (linear scans, dictionaries, no
/// heap, no hash table), over random request sequences: every block id handed out, every hash
/// cached and every `available` count must agree after every step.
@Suite struct KVPoolModelTests {
    /// The rules of spec §1.3–§1.5, written as plainly as possible.
    struct Model {
        struct Slot {
            var registered = false
            var held = false  // a live mutable block
            var hash: UInt64 = 0
            var parent: UInt64?
            var refCount = 0
            var priority: UInt32 = 0
            var tick = 0
            var primary: Int?
            var countedParent: Int?
        }

        var slots: [Slot]
        var resetQueue: [Int]
        var table: [UInt64: Int] = [:]
        var tick = 0
        let duplication: DuplicationMode

        init(total: Int, duplication: DuplicationMode) {
            slots = Array(repeating: Slot(), count: total)
            resetQueue = Array(0..<total)
            self.duplication = duplication
        }

        func isInactive(_ i: Int) -> Bool { slots[i].registered && slots[i].refCount == 0 && slots[i].primary == nil }
        var inactive: [Int] { slots.indices.filter(isInactive) }
        var available: Int { resetQueue.count + inactive.count }
        func inactiveChildren(_ i: Int) -> Int { slots.indices.filter { isInactive($0) && slots[$0].countedParent == i }.count }

        mutating func reset(_ i: Int) { slots[i] = Slot() }

        mutating func evict() -> Int {
            let leaves = inactive.filter { inactiveChildren($0) == 0 }
            let victim = leaves.min { (slots[$0].priority, slots[$0].tick) < (slots[$1].priority, slots[$1].tick) }!
            table[slots[victim].hash] = nil
            reset(victim)
            return victim
        }

        mutating func allocate(_ count: Int) -> [Int]? {
            guard count <= available else { return nil }
            return (0..<count).map { _ in
                let slot = resetQueue.isEmpty ? evict() : resetQueue.removeFirst()
                slots[slot].held = true
                return slot
            }
        }

        mutating func becomeInactive(_ i: Int) {
            tick += 1
            slots[i].tick = tick
            if let parent = slots[i].parent, let p = table[parent], p != i { slots[i].countedParent = p }
        }

        mutating func acquire(_ i: Int) {
            if slots[i].refCount == 0 { slots[i].countedParent = nil }
            slots[i].refCount += 1
        }

        mutating func drop(_ i: Int) {
            slots[i].refCount -= 1
            guard slots[i].refCount == 0 else { return }
            if let primary = slots[i].primary {
                reset(i)
                resetQueue.append(i)
                drop(primary)
            } else {
                becomeInactive(i)
            }
        }

        /// Registers held slots completed with `hashes` (chained to `parent`); returns lease slots.
        mutating func register(_ held: [Int], _ hashes: [UInt64], parent: UInt64?, priority: UInt32) -> [Int] {
            var previous = parent
            var result: [Int] = []
            for (slot, hash) in zip(held, hashes) {
                slots[slot].hash = hash
                slots[slot].parent = previous
                slots[slot].priority = priority
                previous = hash
                slots[slot].held = false
                if let existing = table[hash] {
                    acquire(existing)
                    if duplication == .disabled {
                        reset(slot)
                        resetQueue.append(slot)
                        result.append(existing)
                    } else {
                        slots[slot].registered = true
                        slots[slot].primary = existing
                        slots[slot].refCount = 1
                        result.append(slot)
                    }
                } else {
                    slots[slot].registered = true
                    slots[slot].refCount = 1
                    table[hash] = slot
                    result.append(slot)
                }
            }
            return result
        }

        mutating func match(_ hashes: [UInt64]) -> [Int] {
            var result: [Int] = []
            for hash in hashes {
                guard let slot = table[hash] else { break }
                acquire(slot)
                result.append(slot)
            }
            return result
        }

        mutating func release(_ leases: [Int]) {
            for slot in leases.reversed() { drop(slot) }
        }

        mutating func touch(_ hashes: [UInt64]) {
            for hash in hashes {
                guard let slot = table[hash] else { break }
                if slots[slot].refCount == 0 {
                    tick += 1
                    slots[slot].tick = tick
                }
            }
        }

        mutating func resetCache() {
            while !inactive.isEmpty { resetQueue.append(evict()) }
        }
    }

    @Test(arguments: [DuplicationMode.allowed, .disabled])
    func randomRequestsMatchTheModel(duplication: DuplicationMode) throws {
        for seed in UInt64(1)...20 {
            try run(seed: seed, duplication: duplication)
        }
    }

    private func run(seed: UInt64, duplication: DuplicationMode) throws {
        var random = SplitMix64(seed: seed)
        func next(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        let total = 12
        let pool = try PoolFixture.pool(total, duplication: duplication)
        var model = Model(total: total, duplication: duplication)
        var held: [[ImmutableBlock]] = []
        var modelHeld: [[Int]] = []
        let universe: [UInt64] = (1...5).flatMap { root in (0..<5).map { UInt64(root * 100 + $0) } }
        for step in 0..<300 {
            let context = "seed \(seed), step \(step)"
            switch next(10) {
            case 0..<5:  // a request: match a chain prefix, compute the rest, maybe keep it
                let root = 1 + next(5)
                let length = 1 + next(5)
                let hashes = (0..<length).map { UInt64(root * 100 + $0) }
                let hits = pool.matchSequenceHashesBlocking(PoolFixture.hashes(hashes))
                let modelHits = model.match(hashes)
                #expect(hits.map(\.blockID) == modelHits, "\(context): match")
                let missing = Array(hashes.dropFirst(hits.count))
                var leases = hits
                var modelLeases = modelHits
                // Sometimes recompute a block that is already cached, to exercise deduplication.
                let recompute = !missing.isEmpty || next(3) == 0 ? missing : [hashes[0]]
                let parent = recompute == missing ? hashes.prefix(hits.count).last : nil
                let blocks = try? pool.allocateBlocksBlocking(recompute.count)
                let modelBlocks = model.allocate(recompute.count)
                #expect(blocks?.map(\.blockID) == modelBlocks, "\(context): allocate")
                if let blocks, let modelBlocks {
                    let priority = UInt32(next(3))
                    for block in blocks { try pool.setPriority(block, priority) }
                    try pool.markCompleteChain(blocks, sequenceHashes: PoolFixture.hashes(recompute), parent: parent.map(SequenceHash.init))
                    let registered = try pool.registerBlocksBlocking(blocks)
                    let modelRegistered = model.register(modelBlocks, recompute, parent: parent, priority: priority)
                    #expect(registered.map(\.blockID) == modelRegistered, "\(context): register")
                    leases += registered
                    modelLeases += modelRegistered
                }
                if next(3) == 0 {
                    held.append(leases)
                    modelHeld.append(modelLeases)
                } else {
                    try pool.releaseBlocking(leases)
                    model.release(modelLeases)
                }
            case 5..<8:  // a held request finishes
                guard !held.isEmpty else { continue }
                let index = next(held.count)
                try pool.releaseBlocking(held.remove(at: index))
                model.release(modelHeld.remove(at: index))
            case 8:
                let root = 1 + next(5)
                let hashes = (0..<(1 + next(5))).map { UInt64(root * 100 + $0) }
                pool.touchBlocksBlocking(PoolFixture.hashes(hashes))
                model.touch(hashes)
            default:
                if next(10) == 0 {
                    pool.resetCacheBlocking()
                    model.resetCache()
                }
            }
            #expect(pool.available == model.available, "\(context): available")
            #expect(PoolFixture.cached(pool, universe) == universe.filter { model.table[$0] != nil }, "\(context): cached")
        }
        for leases in held { try pool.releaseBlocking(leases) }
        #expect(pool.liveLeases == 0)
        #expect(pool.available == total)
    }
}
