extension StateBus {
    /// One step of a simulation: validates `batch`, applies it (independent pages on
    /// ``Configuration/applyWorkers`` threads), runs the propagation wave for it and for everything
    /// queued in deferred mode, logs all of it as one record, and reports how long each phase took.
    ///
    /// All or nothing, like ``apply(_:)-(WriteBatch)``: an invalid write, a failing rule or a refused
    /// log leaves the bus as it was. Each write raises its page's epoch by one. An empty batch just runs
    /// the queued wave.
    /// - Throws: ``DeltaError/rejectedInBatch(index:cause:)``, ``RuleError``, ``LogError``.
    @discardableResult
    public func tick(_ batch: WriteBatch = WriteBatch()) throws -> TickMetrics {
        guard batch.source.isValid else { throw DeltaError.rejectedInBatch(index: 0, cause: .invalidSource(batch.source.label)) }
        let clock = ContinuousClock()
        let start = clock.now
        var metrics = TickMetrics()
        metrics.deltas = batch.count
        metrics.budget = configuration.tickBudget
        metrics.workers = batch.byteCount >= configuration.parallelApplyMinimumBytes ? configuration.applyWorkers : 1
        try change { state in
            try tickLocked(batch, &state, &metrics, clock: clock)
        }
        metrics.total = clock.now - start
        return metrics
    }

    private func tickLocked(_ batch: WriteBatch, _ state: inout BusState, _ metrics: inout TickMetrics, clock: ContinuousClock) throws {
        var phase = clock.now
        func lap() -> Duration {
            let now = clock.now
            defer { phase = now }
            return now - phase
        }
        let count = batch.count
        var oldEpochs = [UInt64](repeating: 0, count: count)
        var newEpochs = [UInt64](repeating: 0, count: count)
        // Validation: resolve every write, then assign epochs in order (tentatively, under the lock).
        var slots = [Int](repeating: 0, count: count)
        try slots.withUnsafeMutableBufferPointer { (slots) throws(DeltaError) in
            if let base = slots.baseAddress { try Self.resolve(batch, in: state, into: base) }
        }
        var apply = ParallelApply(destinations: zip(batch.entries, slots).map { state.table.data($1) + $0.offset }, slots: slots)
        for index in 0..<count {
            let slot = apply.slots[index]
            let epoch = state.table.epoch(slot)
            oldEpochs[index] = epoch.rawValue
            newEpochs[index] = epoch.rawValue + 1
            state.table.setEpoch(slot, epoch.next)
        }
        let touched = state.slotStamps.distinct(apply.slots)
        metrics.pagesTouched = touched.count
        let restoreEpochs = { (state: inout BusState) in
            for index in stride(from: count - 1, through: 0, by: -1) { state.table.setEpoch(apply.slots[index], Epoch(oldEpochs[index])) }
        }
        let first = state.nextDeltaID
        let now = configuration.clock.now()
        let wave = !state.propagation.isReplaying
            && (!state.propagation.pending.isEmpty || !state.propagation.forced.isEmpty
                || (state.graph.edgeCount > 0 && batch.entries.contains { state.hasDependants($0.page) }))
        metrics.validation = lap()
        var tx = WaveTransaction(firstPropagationID: first + UInt64(count), timestamp: now, collectsEvents: events.isActive)
        if !wave {
            // Nothing depends on the batch: log first, then copy; nothing to undo.
            if let journal {
                do {
                    try newEpochs.withUnsafeBufferPointer { epochs in
                        try journal.appendBatch(batch, firstID: DeltaID(first), epochs: epochs.baseAddress!, timestamp: now)
                    }
                } catch {
                    restoreEpochs(&state)
                    throw error
                }
            }
            metrics.logging = lap()
            apply.run(batch, workers: metrics.workers, undo: nil)
            state.markDirty(batch, slots: apply.slots)
            metrics.apply = lap()
        } else {
            // Copy while saving what is replaced, run the wave, then log the whole tick as one record.
            // What is saved is either each write's old bytes or, when that is less, each touched page
            // whole (many small writes to few pages).
            var undoSize = 0
            apply.undoOffsets = batch.entries.map { entry in
                defer { undoSize += entry.length }
                return undoSize
            }
            let pageBytes = touched.reduce(0) { $0 + state.table.size($1) }
            let wholePages = pageBytes < undoSize
            let undo = state.undoRoom(byteCount: wholePages ? pageBytes : undoSize)
            if wholePages {
                var offset = 0
                for slot in touched {
                    (undo + offset).copyMemory(from: state.table.data(slot), byteCount: state.table.size(slot))
                    offset += state.table.size(slot)
                }
            }
            apply.run(batch, workers: metrics.workers, undo: wholePages ? nil : undo)
            metrics.apply = lap()
            let rollback = { (state: inout BusState) in
                tx.rollback(&state)
                if wholePages {
                    var offset = 0
                    for slot in touched {
                        state.table.data(slot).copyMemory(from: undo + offset, byteCount: state.table.size(slot))
                        offset += state.table.size(slot)
                    }
                } else {
                    batch.entries.withUnsafeBufferPointer { entries in
                        for index in stride(from: count - 1, through: 0, by: -1) {
                            apply.destinations[index].copyMemory(from: undo + apply.undoOffsets[index], byteCount: entries[index].length)
                        }
                    }
                }
                restoreEpochs(&state)
            }
            var changed = touched.map { state.table.id($0) }
            if !state.propagation.pending.isEmpty { changed = state.propagation.pending.union(changed).sorted() }
            do {
                try state.runWave(changed: changed, into: &tx)
            } catch {
                rollback(&state)
                throw error
            }
            metrics.propagation = lap()
            if let journal {
                do {
                    try newEpochs.withUnsafeBufferPointer { epochs in
                        try journal.appendBatch(
                            batch, firstID: DeltaID(first), epochs: epochs.baseAddress!, followedBy: tx.propagated, timestamp: now)
                    }
                } catch {
                    rollback(&state)
                    throw error
                }
            }
            state.propagation.pending = []
            state.markDirty(batch, slots: apply.slots)
            state.markDirty(tx.propagated)
            metrics.logging = lap()
        }
        metrics.propagatedDeltas = tx.propagated.count
        state.nextDeltaID += UInt64(count + tx.propagated.count)
        if events.isActive {
            var notes: [BusEvent.Kind] = []
            for (index, entry) in batch.entries.enumerated() {
                let epoch = Epoch(newEpochs[index])
                notes.append(.deltaApplied(DeltaID(first + UInt64(index)), page: entry.page, epoch: epoch, source: batch.source))
                notes.append(.pageChanged(entry.page, epoch: epoch))
            }
            events.enqueue(notes + tx.events)
        }
    }
}
