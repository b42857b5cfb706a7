extension StateBus {
    /// Writes `bytes` at `offset` of a page as one delta; the page's epoch goes up by one.
    ///
    /// - Throws: ``DeltaError/pageNotFound(_:)``, ``DeltaError/empty(_:)``,
    ///   ``DeltaError/outOfBounds(page:end:pageSize:)``, ``DeltaError/invalidSource(_:)``.
    ///   Nothing changes when it throws.
    /// - Complexity: O(`bytes.count`).
    @discardableResult
    public func write(
        page: PageID, offset: Int, bytes: [UInt8], source: DeltaSource = .user, intent: String? = nil
    ) throws -> WriteReceipt {
        try bytes.withUnsafeBytes { try write(page: page, offset: offset, bytes: $0, source: source, intent: intent) }
    }

    /// Writes `bytes` at `offset` of a page as one delta; the bytes are copied before the call returns.
    ///
    /// - Throws: as ``write(page:offset:bytes:source:intent:)-(_,_,[UInt8],_,_)``.
    @discardableResult
    public func write(
        page: PageID, offset: Int, bytes: UnsafeRawBufferPointer, source: DeltaSource = .user, intent: String? = nil
    ) throws -> WriteReceipt {
        guard !bytes.isEmpty else { throw DeltaError.empty(page) }
        guard source.isValid else { throw DeltaError.invalidSource(source.label) }
        return try change { state in
            let slot = try state.slot(forDeltaTo: page)
            let size = state.table.size(slot)
            guard offset >= 0, bytes.count <= size, offset <= size - bytes.count else {
                throw DeltaError.outOfBounds(page: page, end: Self.end(offset, bytes.count), pageSize: size)
            }
            if waveNeeded(state, page) {
                var batch = WriteBatch(source: source, intent: intent, capacity: 1, payloadCapacity: bytes.count)
                batch.write(page: page, offset: offset, bytes: bytes)
                let receipt = try applyWithWave(batch, slots: [slot], &state)
                return WriteReceipt(delta: receipt.deltas!.lowerBound, page: page, epoch: state.table.epoch(slot), propagated: receipt.propagated)
            }
            guard let epoch = state.table.epoch(slot).successor else { throw DeltaError.epochExhausted(page) }
            let id = DeltaID(state.nextDeltaID)
            if let journal {
                try journal.appendWrite(
                    id: id, page: page, offset: offset, bytes: bytes, epoch: epoch, source: source, intent: intent,
                    timestamp: configuration.clock.now())
            }
            state.nextDeltaID += 1
            (state.table.data(slot) + offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            state.table.markDirty(slot, offset: offset, length: bytes.count)
            state.table.setEpoch(slot, epoch)
            noteChange(&state, page: page, delta: id, epoch: epoch, source: source)
            return WriteReceipt(delta: id, page: page, epoch: epoch)
        }
    }

    /// Replaces a page's bytes with `bytes`, writing only what differs as one run-list delta.
    ///
    /// Like the original's `update_page`: when nothing differs there is no delta, no new id and no
    /// epoch change, and the result is `nil`.
    /// - Throws: ``DeltaError/pageNotFound(_:)``; ``DeltaError/lengthMismatch(expected:found:)`` unless
    ///   `bytes` is exactly as long as the page; ``DeltaError/invalidSource(_:)``.
    /// - Complexity: O(page size), comparing eight bytes at a time.
    @discardableResult
    public func update(page: PageID, to bytes: [UInt8], source: DeltaSource = .user, intent: String? = nil) throws -> WriteReceipt? {
        guard source.isValid else { throw DeltaError.invalidSource(source.label) }
        return try change { state in
            let slot = try state.slot(forDeltaTo: page)
            let size = state.table.size(slot)
            guard bytes.count == size else { throw DeltaError.lengthMismatch(expected: size, found: bytes.count) }
            let base = state.table.data(slot)
            guard let epoch = state.table.epoch(slot).successor else { throw DeltaError.epochExhausted(page) }
            let id = DeltaID(state.nextDeltaID)
            if waveNeeded(state, page) {
                let current = Array(UnsafeRawBufferPointer(start: base, count: size))
                guard let delta = try Delta.diff(page: page, epoch: epoch, from: current, to: bytes, source: source, intent: intent)
                else { return nil }
                let receipt = try applyWithWave([delta], slots: [slot], &state)
                return WriteReceipt(delta: id, page: page, epoch: epoch, propagated: receipt.propagated)
            }
            if journal != nil {
                let current = Array(UnsafeRawBufferPointer(start: base, count: size))
                guard var delta = try Delta.diff(page: page, epoch: epoch, from: current, to: bytes, source: source, intent: intent)
                else { return nil }
                delta.id = id
                delta.timestamp = configuration.clock.now()
                try record(.deltas([delta]), at: delta.timestamp)
                delta.writeRuns(into: base)
                for run in delta.runs { state.table.markDirty(slot, offset: run.offset, length: run.length) }
            } else {
                // No journal: copy each differing run as it is found; the scan never looks back.
                var changed = false
                bytes.withUnsafeBytes { new in
                    ByteDiff.forEachDifferingRun(old: UnsafeRawBufferPointer(start: base, count: size), new: new) { offset, length in
                        (base + offset).copyMemory(from: new.baseAddress! + offset, byteCount: length)
                        state.table.markDirty(slot, offset: offset, length: length)
                        changed = true
                    }
                }
                guard changed else { return nil }
            }
            state.nextDeltaID += 1
            state.table.setEpoch(slot, epoch)
            noteChange(&state, page: page, delta: id, epoch: epoch, source: source)
            return WriteReceipt(delta: id, page: page, epoch: epoch)
        }
    }

    /// Applies a delta; the page's epoch becomes the delta's.
    ///
    /// The bus gives the delta the next delta id and, when it journals, its timestamp; an id already on
    /// `delta` is not used.
    /// - Throws: ``DeltaError/pageNotFound(_:)``, ``DeltaError/outOfBounds(page:end:pageSize:)``,
    ///   ``DeltaError/staleEpoch(page:deltaEpoch:pageEpoch:)``, ``DeltaError/invalidSource(_:)``. Nothing changes
    ///   when it throws.
    @discardableResult
    public func apply(_ delta: Delta) throws -> WriteReceipt {
        guard delta.source.isValid else { throw DeltaError.invalidSource(delta.source.label) }
        return try change { state in
            let slot = try state.slot(forDeltaTo: delta.page)
            try Self.check(delta, against: state.table, slot: slot, epoch: state.table.epoch(slot))
            let id = DeltaID(state.nextDeltaID)
            if waveNeeded(state, delta.page) {
                let receipt = try applyWithWave([delta], slots: [slot], &state)
                return WriteReceipt(delta: id, page: delta.page, epoch: delta.epoch, propagated: receipt.propagated)
            }
            if journal != nil {
                let now = configuration.clock.now()
                try record(.deltas([stamped(delta, id: id, timestamp: now)]), at: now)
            }
            state.nextDeltaID += 1
            Self.write(delta, into: state.table, slot: slot)
            state.table.setEpoch(slot, delta.epoch)
            noteChange(&state, page: delta.page, delta: id, epoch: delta.epoch, source: delta.source)
            return WriteReceipt(delta: id, page: delta.page, epoch: delta.epoch)
        }
    }

    /// Applies deltas in order, all or nothing.
    ///
    /// The whole batch is validated first, each delta against the state the earlier ones leave (so a
    /// page may appear several times, with non-decreasing epochs); if any delta is invalid, none is
    /// applied. The deltas get consecutive ids.
    /// - Throws: ``DeltaError/rejectedInBatch(index:cause:)`` naming the first invalid delta.
    @discardableResult
    public func apply(_ deltas: [Delta]) throws -> BatchReceipt {
        guard !deltas.isEmpty else { return BatchReceipt(deltas: nil) }
        return try change { state in
            let count = deltas.count
            let scratch = state.slotScratch(count: 2 * count)
            let slots = scratch
            let savedEpochs = scratch + count
            // Pass 1: validate each delta against the epochs the earlier ones leave, setting epochs
            // tentatively (invisible to readers while the write lock is held) and undoing them on failure.
            for index in 0..<count {
                let delta = deltas[index]
                do {
                    guard delta.source.isValid else { throw DeltaError.invalidSource(delta.source.label) }
                    let slot = try state.slot(forDeltaTo: delta.page)
                    let current = state.table.epoch(slot)
                    try Self.check(delta, against: state.table, slot: slot, epoch: current)
                    slots[index] = slot
                    savedEpochs[index] = Int(bitPattern: UInt(current.rawValue))
                    state.table.setEpoch(slot, delta.epoch)
                } catch let error as DeltaError {
                    Self.restoreEpochs(state.table, slots: slots, saved: savedEpochs, count: index)
                    throw DeltaError.rejectedInBatch(index: index, cause: error)
                }
            }
            let first = state.nextDeltaID
            if deltas.contains(where: { waveNeeded(state, $0.page) }) {
                // Pass 1 set the new epochs; the wave path saves and sets them itself.
                Self.restoreEpochs(state.table, slots: slots, saved: savedEpochs, count: count)
                return try applyWithWave(deltas, slots: Array(UnsafeBufferPointer(start: slots, count: count)), &state)
            }
            if journal != nil {
                let now = configuration.clock.now()
                do {
                    try record(.deltas(deltas.enumerated().map { stamped($1, id: DeltaID(first + UInt64($0)), timestamp: now) }), at: now)
                } catch {
                    Self.restoreEpochs(state.table, slots: slots, saved: savedEpochs, count: count)
                    throw error
                }
            }
            // Pass 2: nothing can fail any more.
            for index in 0..<count { Self.write(deltas[index], into: state.table, slot: slots[index]) }
            state.nextDeltaID += UInt64(count)
            if needsChangeNotes(state) {
                for (index, delta) in deltas.enumerated() {
                    noteChange(&state, page: delta.page, delta: DeltaID(first + UInt64(index)), epoch: delta.epoch, source: delta.source)
                }
            }
            return BatchReceipt(deltas: DeltaID(first)...DeltaID(first + UInt64(count) - 1))
        }
    }

    /// Applies a batch of ranged writes, all or nothing; each write raises its page's epoch by one.
    ///
    /// This is the fastest way to apply many small changes: one lock acquisition, one validation pass,
    /// one copy pass, no allocation.
    /// - Throws: ``DeltaError/rejectedInBatch(index:cause:)`` naming the first invalid write.
    @discardableResult
    public func apply(_ batch: WriteBatch) throws -> BatchReceipt {
        guard !batch.isEmpty else { return BatchReceipt(deltas: nil) }
        guard batch.source.isValid else { throw DeltaError.rejectedInBatch(index: 0, cause: .invalidSource(batch.source.label)) }
        return try change { state in
            let count = batch.entries.count
            let scratch = state.slotScratch(count: journal == nil ? count : 3 * count)
            try Self.resolve(batch, in: state, into: scratch)
            let first = state.nextDeltaID
            if batch.entries.contains(where: { waveNeeded(state, $0.page) }) {
                return try applyWithWave(batch, slots: Array(UnsafeBufferPointer(start: scratch, count: count)), &state)
            }
            if journal != nil {
                try journalBatch(
                    batch, firstID: first, table: state.table, slots: scratch, savedEpochs: scratch + count,
                    newEpochs: scratch + 2 * count)
            }
            let bumpEpochs = journal == nil
            batch.entries.withUnsafeBufferPointer { entries in
                batch.payload.withUnsafeBytes { payload in
                    for index in 0..<count {
                        let entry = entries[index]
                        let slot = scratch[index]
                        (state.table.data(slot) + entry.offset).copyMemory(from: payload.baseAddress! + entry.payloadStart, byteCount: entry.length)
                        state.table.markDirty(slot, offset: entry.offset, length: entry.length)
                        if bumpEpochs { state.table.setEpoch(slot, state.table.epoch(slot).next) }
                    }
                }
            }
            state.nextDeltaID += UInt64(count)
            if needsChangeNotes(state) {
                // Each write raised its page's epoch by one: count back from the final epochs.
                var epochs: [PageID: UInt64] = [:]
                var written: [(page: PageID, epoch: Epoch)] = []
                for entry in batch.entries.reversed() {
                    let epoch = epochs[entry.page] ?? state.table.epoch(state.table.slot(of: entry.page)!).rawValue
                    written.append((entry.page, Epoch(epoch)))
                    epochs[entry.page] = epoch - 1
                }
                for (index, write) in written.reversed().enumerated() {
                    noteChange(&state, page: write.page, delta: DeltaID(first + UInt64(index)), epoch: write.epoch, source: batch.source)
                }
            }
            return BatchReceipt(deltas: DeltaID(first)...DeltaID(first + UInt64(count) - 1))
        }
    }

    // MARK: Helpers

    /// Resolves every write of `batch` to its page's slot (`slots[i]` for write `i`), checking that the
    /// page exists, the write is non-empty and within it, and the page's epoch can advance once per write.
    /// - Throws: ``DeltaError/rejectedInBatch(index:cause:)`` naming the first invalid write.
    static func resolve(_ batch: WriteBatch, in state: borrowing BusState, into slots: UnsafeMutablePointer<Int>) throws(DeltaError) {
        try batch.entries.withUnsafeBufferPointer { (entries) throws(DeltaError) in
            for index in entries.indices {
                let entry = entries[index]
                guard let slot = state.table.slot(of: entry.page) else {
                    throw .rejectedInBatch(index: index, cause: .pageNotFound(entry.page))
                }
                guard entry.length > 0 else { throw .rejectedInBatch(index: index, cause: .empty(entry.page)) }
                let size = state.table.size(slot)
                guard entry.offset >= 0, entry.length <= size, entry.offset <= size - entry.length else {
                    throw .rejectedInBatch(
                        index: index, cause: .outOfBounds(page: entry.page, end: end(entry.offset, entry.length), pageSize: size))
                }
                let epoch = state.table.epoch(slot).rawValue
                if epoch > UInt64.max - UInt64(entries.count) {
                    // Rare: the page is near the last epoch; count its writes so far (each raises it by one).
                    let writes = entries[...index].reduce(0) { $0 + ($1.page == entry.page ? 1 : 0) }
                    guard UInt64(writes) <= UInt64.max - epoch else { throw .rejectedInBatch(index: index, cause: .epochExhausted(entry.page)) }
                }
                slots[index] = slot
            }
        }
    }

    /// One past the last byte of a write, saturating instead of wrapping for offsets near `Int.max`.
    private static func end(_ offset: Int, _ length: Int) -> Int {
        let (sum, overflow) = offset.addingReportingOverflow(length)
        return overflow ? .max : sum
    }

    /// Journals a validated batch as one record, setting the new epochs; undoes the epochs if the journal refuses.
    private func journalBatch(
        _ batch: WriteBatch, firstID: UInt64, table: borrowing PageTable,
        slots: UnsafeMutablePointer<Int>, savedEpochs: UnsafeMutablePointer<Int>, newEpochs: UnsafeMutablePointer<Int>
    ) throws {
        guard let journal else { return }
        // Epochs in sequence, so a page written several times in the batch gets +1 per write.
        for index in 0..<batch.count {
            let current = table.epoch(slots[index])
            savedEpochs[index] = Int(bitPattern: UInt(current.rawValue))
            newEpochs[index] = Int(bitPattern: UInt(current.next.rawValue))
            table.setEpoch(slots[index], current.next)
        }
        do {
            try UnsafeMutableRawPointer(newEpochs).withMemoryRebound(to: UInt64.self, capacity: batch.count) { epochs in
                try journal.appendBatch(batch, firstID: DeltaID(firstID), epochs: epochs, timestamp: configuration.clock.now())
            }
        } catch {
            Self.restoreEpochs(table, slots: slots, saved: savedEpochs, count: batch.count)
            throw error
        }
    }

    /// Checks that `delta` fits the page in `slot` whose epoch is `epoch`.
    @inline(__always)
    private static func check(_ delta: Delta, against table: borrowing PageTable, slot: Int, epoch: Epoch) throws(DeltaError) {
        let size = table.size(slot)
        guard delta.extent <= size else { throw .outOfBounds(page: delta.page, end: delta.extent, pageSize: size) }
        guard delta.epoch >= epoch else { throw .staleEpoch(page: delta.page, deltaEpoch: delta.epoch, pageEpoch: epoch) }
    }

    @inline(__always)
    private static func write(_ delta: Delta, into table: borrowing PageTable, slot: Int) {
        delta.writeRuns(into: table.data(slot))
        for run in delta.runs { table.markDirty(slot, offset: run.offset, length: run.length) }
    }

    /// Undoes tentative epochs of the first `count` batch entries, newest first.
    static func restoreEpochs(
        _ table: borrowing PageTable, slots: UnsafeMutablePointer<Int>, saved: UnsafeMutablePointer<Int>, count: Int
    ) {
        for index in stride(from: count - 1, through: 0, by: -1) {
            table.setEpoch(slots[index], Epoch(UInt64(UInt(bitPattern: saved[index]))))
        }
    }

    private func stamped(_ delta: Delta, id: DeltaID, timestamp: UInt64) -> Delta {
        var copy = delta
        copy.id = id
        copy.timestamp = timestamp
        return copy
    }
}
