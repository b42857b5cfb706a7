import MMSB
import PropertyBased
import Testing

// MARK: Helpers

/// A dense delta from a generated mask (forced to select at least one byte) and the first
/// `mask.count` of `bytes`.
private func denseDelta(page: PageID, epoch: Epoch = 0, mask: [Bool], bytes: [UInt8]) throws -> Delta {
    var mask = mask
    if !mask.contains(true) { mask[mask.count / 2] = true }
    return try Delta.dense(page: page, epoch: epoch, mask: mask, payload: Array(bytes.prefix(mask.count)))
}

/// A run-list delta of random sorted, non-overlapping runs inside `pageSize` bytes.
private func randomRunDelta(page: PageID, epoch: Epoch, pageSize: Int, using random: inout SplitMix64) throws -> Delta {
    var runs: [(offset: Int, bytes: [UInt8])] = []
    var offset = Int.random(in: 0..<pageSize, using: &random)
    let runCount = Int.random(in: 1...6, using: &random)
    while runs.count < runCount, offset < pageSize {
        let length = Int.random(in: 1...min(12, pageSize - offset), using: &random)
        runs.append((offset, (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }))
        // A gap of 0 makes runs that touch, which must stay legal.
        offset += length + Int.random(in: 0...10, using: &random)
    }
    return try Delta(page: page, epoch: epoch, runs: runs)
}

private func randomBytes(_ count: Int, using random: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
}

/// `deltas` applied one after another to `pages`.
private func applyAll(_ deltas: [Delta], to pages: [PageID: [UInt8]]) throws -> [PageID: [UInt8]] {
    var pages = pages
    for delta in deltas { try delta.apply(to: &pages[delta.page, default: []]) }
    return pages
}

// MARK: Properties

@Suite struct DeltaPropertyTests {
    // MARK: merging

    /// Applying `a.merging(b)` equals applying `a` then `b`, for mask-built deltas on random pages.
    @Test func mergeAppliesLikeSequentialApplication() async {
        await propertyCheck(
            count: 400,
            input: Gen.bool.array(of: 1...48), Gen.bool.array(of: 1...48), Gen.uint8().array(of: 96), Gen.uint8().array(of: 64)
        ) { maskA, maskB, payloads, pageBytes in
            let a = try denseDelta(page: 5, epoch: 2, mask: maskA, bytes: Array(payloads.prefix(48)))
            let b = try denseDelta(page: 5, epoch: 1, mask: maskB, bytes: Array(payloads.suffix(48)))
            let merged = try a.merging(b)
            var sequential = Array(pageBytes.prefix(max(maskA.count, maskB.count) + 3))
            var combined = sequential
            try a.apply(to: &sequential)
            try b.apply(to: &sequential)
            try merged.apply(to: &combined)
            #expect(combined == sequential)
            #expect(merged.extent == max(a.extent, b.extent))
            #expect(merged.epoch == Epoch(2))
            // The merge writes the union of both masks.
            let writtenA = a.toDense().mask, writtenB = b.toDense().mask
            let union = (0..<48).filter { ($0 < writtenA.count && writtenA[$0]) || ($0 < writtenB.count && writtenB[$0]) }
            #expect(merged.toDense().mask == (0..<merged.extent).map { union.contains($0) })
            #expect(merged.byteCount == union.count)
        }
    }

    /// The same property for run-list deltas at random offsets of larger pages, including touching runs.
    @Test(arguments: 0..<8)
    func mergeOfRunListsAppliesLikeSequentialApplication(seed: UInt64) throws {
        var random = SplitMix64(seed: 0xA11CE + seed)
        for _ in 0..<60 {
            let pageSize = Int.random(in: 1...200, using: &random)
            let a = try randomRunDelta(page: 3, epoch: 1, pageSize: pageSize, using: &random)
            let b = try randomRunDelta(page: 3, epoch: 2, pageSize: pageSize, using: &random)
            let original = randomBytes(pageSize, using: &random)
            var sequential = original
            try a.apply(to: &sequential)
            try b.apply(to: &sequential)
            var combined = original
            let merged = try a.merging(b)
            try merged.apply(to: &combined)
            #expect(combined == sequential)
            // Merged runs are sorted, separated by at least one byte, and cover exactly the union.
            for (left, right) in zip(merged.runs, merged.runs.dropFirst()) { #expect(left.end < right.offset) }
            let union = Set(a.runs.flatMap { $0.offset..<$0.end } + b.runs.flatMap { $0.offset..<$0.end })
            #expect(Set(merged.runs.flatMap { $0.offset..<$0.end }) == union)
            #expect(merged.byteCount == union.count)
        }
    }

    // MARK: diff

    /// `diff(old, new)` applied to `old` gives `new`, and its runs are minimal: every byte of a run
    /// differs, and runs never touch.
    @Test func diffRoundTripsAndIsMinimal() async {
        await propertyCheck(
            count: 500,
            input: Gen.uint8().array(of: 0...80), Gen.bool(0.3).array(of: 80), Gen.uint8(in: 1...255).array(of: 80)
        ) { old, changed, amounts in
            let new = old.indices.map { changed[$0] ? old[$0] &+ amounts[$0] : old[$0] }
            let delta = try Delta.diff(page: 1, epoch: 4, from: old, to: new)
            guard let delta else {
                #expect(old == new)
                return
            }
            #expect(old != new)
            var patched = old
            try delta.apply(to: &patched)
            #expect(patched == new)
            for run in delta.runs {
                #expect(run.length >= 1)
                #expect((run.offset..<run.end).allSatisfy { old[$0] != new[$0] }, "run \(run) holds an equal byte")
            }
            for (left, right) in zip(delta.runs, delta.runs.dropFirst()) {
                #expect(left.end < right.offset, "runs \(left) and \(right) touch or overlap")
            }
            #expect(delta.byteCount == zip(old, new).filter { $0 != $1 }.count)
            #expect(delta.extent == delta.runs.last?.end)
        }
    }

    /// The same for long buffers with clustered differences, so that word-at-a-time skipping is exercised.
    @Test(arguments: 0..<6)
    func diffOfLongBuffersWithClusteredChanges(seed: UInt64) throws {
        var random = SplitMix64(seed: 0xD1FF + seed)
        for _ in 0..<50 {
            let length = Int.random(in: 0...600, using: &random)
            let old = randomBytes(length, using: &random)
            var new = old
            for _ in 0..<Int.random(in: 0...8, using: &random) where length > 0 {
                let start = Int.random(in: 0..<length, using: &random)
                let end = min(length, start + Int.random(in: 1...24, using: &random))
                for index in start..<end { new[index] = old[index] &+ UInt8.random(in: 1...255, using: &random) }
            }
            let delta = try Delta.diff(page: 1, epoch: 0, from: old, to: new)
            #expect((delta == nil) == (old == new))
            var patched = old
            try delta?.apply(to: &patched)
            #expect(patched == new)
            for run in delta?.runs ?? [] {
                #expect((run.offset..<run.end).allSatisfy { old[$0] != new[$0] })
            }
            for (left, right) in zip(delta?.runs ?? [], (delta?.runs ?? []).dropFirst()) { #expect(left.end < right.offset) }
        }
    }

    // MARK: compact

    /// Applying `compact(list)` equals applying `list` one delta after another.
    @Test func compactAppliesLikeTheList() async {
        let entry = zip(Gen.int(in: 1...3), Gen.bool.array(of: 1...32), Gen.uint8().array(of: 32))
        await propertyCheck(count: 300, input: entry.array(of: 0...14), Gen.uint8().array(of: 40)) { entries, fill in
            let deltas = try entries.enumerated().map { index, entry in
                try denseDelta(page: PageID(UInt64(entry.0)), epoch: Epoch(UInt64(index)), mask: entry.1, bytes: entry.2)
            }
            let pages: [PageID: [UInt8]] = [1: fill, 2: fill.reversed(), 3: fill.map { ~$0 }]
            let compacted = Delta.compact(deltas)
            #expect(try applyAll(compacted, to: pages) == applyAll(deltas, to: pages))
            // One delta per stretch of consecutive deltas for the same page, pages in the same order.
            var stretches: [PageID] = []
            for delta in deltas where stretches.last != delta.page { stretches.append(delta.page) }
            #expect(compacted.map(\.page) == stretches)
            #expect(compacted.count <= deltas.count)
        }
    }

    /// The same for run-list deltas at random offsets.
    @Test(arguments: 0..<6)
    func compactOfRunListsAppliesLikeTheList(seed: UInt64) throws {
        var random = SplitMix64(seed: 0xC0FFEE + seed)
        for _ in 0..<50 {
            let sizes: [PageID: Int] = [1: 64, 2: 130, 3: 7]
            var deltas: [Delta] = []
            for index in 0..<Int.random(in: 0...20, using: &random) {
                let page = PageID(UInt64.random(in: 1...3, using: &random))
                deltas.append(try randomRunDelta(page: page, epoch: Epoch(UInt64(index)), pageSize: sizes[page]!, using: &random))
            }
            let pages = sizes.mapValues { randomBytes($0, using: &random) }
            let compacted = Delta.compact(deltas)
            #expect(try applyAll(compacted, to: pages) == applyAll(deltas, to: pages))
            for (left, right) in zip(compacted, compacted.dropFirst()) { #expect(left.page != right.page) }
        }
    }

    // MARK: mask constructors

    /// A dense delta's `toDense()` gives back its mask, and its payload where the mask is set (zeros elsewhere).
    @Test func denseConstructorRoundTripsThroughToDense() async {
        await propertyCheck(count: 400, input: Gen.bool.array(of: 0...64), Gen.uint8().array(of: 64)) { mask, bytes in
            let payload = Array(bytes.prefix(mask.count))
            guard mask.contains(true) else {
                #expect(throws: DeltaError.empty(9)) { try Delta.dense(page: 9, epoch: 0, mask: mask, payload: payload) }
                return
            }
            let delta = try Delta.dense(page: 9, epoch: 0, mask: mask, payload: payload)
            let dense = delta.toDense()
            #expect(dense.mask == mask)
            #expect(dense.payload == mask.indices.map { mask[$0] ? payload[$0] : 0 })
            #expect(delta.extent == mask.count)
            #expect(delta.byteCount == mask.filter { $0 }.count)
            // Rebuilding from the dense form gives the same delta.
            #expect(try Delta.dense(page: 9, epoch: 0, mask: dense.mask, payload: dense.payload) == delta)
        }
    }

    /// A sparse delta's `toDense()` scatters its payload into the set positions in order.
    @Test func sparseConstructorRoundTripsThroughToDense() async {
        await propertyCheck(count: 400, input: Gen.bool.array(of: 0...64), Gen.uint8().array(of: 64)) { mask, bytes in
            let selected = mask.filter { $0 }.count
            let payload = Array(bytes.prefix(selected))
            guard selected > 0 else {
                #expect(throws: DeltaError.empty(9)) { try Delta.sparse(page: 9, epoch: 0, mask: mask, payload: payload) }
                return
            }
            let delta = try Delta.sparse(page: 9, epoch: 0, mask: mask, payload: payload)
            let dense = delta.toDense()
            #expect(dense.mask == mask)
            var expected = [UInt8](repeating: 0, count: mask.count)
            var next = 0
            for index in mask.indices where mask[index] {
                expected[index] = payload[next]
                next += 1
            }
            #expect(dense.payload == expected)
            #expect(delta.payload == payload)
            // The dense constructor on the dense form describes the same writes.
            #expect(try Delta.dense(page: 9, epoch: 0, mask: dense.mask, payload: dense.payload) == delta)
            // A payload one byte too long or too short is refused.
            #expect(throws: DeltaError.sizeMismatch(maskLength: selected, payloadLength: selected + 1)) {
                try Delta.sparse(page: 9, epoch: 0, mask: mask, payload: payload + [0])
            }
            #expect(throws: DeltaError.sizeMismatch(maskLength: selected, payloadLength: selected - 1)) {
                try Delta.sparse(page: 9, epoch: 0, mask: mask, payload: Array(payload.dropLast()))
            }
        }
    }

    /// Applying a mask-built delta writes exactly the set positions.
    @Test func maskBuiltDeltaWritesExactlyTheSetPositions() async {
        await propertyCheck(count: 300, input: Gen.bool.array(of: 1...64), Gen.uint8().array(of: 64), Gen.uint8().array(of: 70)) { mask, bytes, page in
            let delta = try denseDelta(page: 2, mask: mask, bytes: bytes)
            let dense = delta.toDense()
            var patched = page
            try delta.apply(to: &patched)
            for index in page.indices {
                let written = index < dense.mask.count && dense.mask[index]
                #expect(patched[index] == (written ? dense.payload[index] : page[index]))
            }
        }
    }
}
