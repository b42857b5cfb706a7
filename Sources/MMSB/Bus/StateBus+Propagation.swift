extension StateBus {
    // MARK: Write-path hooks

    /// Whether a change to `page` must run its wave inside the call (immediate mode, with dependants).
    @inline(__always)
    func waveNeeded(_ state: borrowing BusState, _ page: PageID) -> Bool {
        configuration.propagation == .immediate && state.graph.edgeCount > 0 && !state.propagation.isReplaying
            && state.hasDependants(page)
    }

    /// Whether a change that ran without a wave must still queue pages (deferred mode) or events.
    @inline(__always)
    func needsChangeNotes(_ state: borrowing BusState) -> Bool {
        events.isActive || (configuration.propagation == .deferred && state.graph.edgeCount > 0 && !state.propagation.isReplaying)
    }

    /// Notes a delta applied without a wave: queues the page for the next deferred wave and its events.
    @inline(__always)
    func noteChange(_ state: inout BusState, page: PageID, delta: DeltaID, epoch: Epoch, source: DeltaSource) {
        guard needsChangeNotes(state) else { return }
        if configuration.propagation == .deferred, !state.propagation.isReplaying, state.hasDependants(page) {
            state.propagation.pending.insert(page)
        }
        if events.isActive { events.enqueue([.deltaApplied(delta, page: page, epoch: epoch, source: source), .pageChanged(page, epoch: epoch)]) }
    }

    /// Applies a validated batch (slot `slots[i]` for write `i`), runs its wave, and logs both as one
    /// record; undoes everything if a rule or the log fails.
    func applyWithWave(_ batch: WriteBatch, slots: [PageTable.Slot], _ state: inout BusState) throws -> BatchReceipt {
        let count = batch.count
        let first = state.nextDeltaID
        let now = configuration.clock.now()
        var tx = WaveTransaction(firstPropagationID: first + UInt64(count), timestamp: now, collectsEvents: events.isActive)
        var epochs = [UInt64](repeating: 0, count: count)
        batch.entries.withUnsafeBufferPointer { entries in
            batch.payload.withUnsafeBytes { payload in
                for index in 0..<count {
                    let entry = entries[index]
                    let slot = slots[index]
                    tx.saveEpoch(state.table, slot: slot)
                    tx.saveBytes(state.table, slot: slot, offset: entry.offset, length: entry.length)
                    (state.table.data(slot) + entry.offset).copyMemory(from: payload.baseAddress! + entry.payloadStart, byteCount: entry.length)
                    let epoch = state.table.epoch(slot).next
                    state.table.setEpoch(slot, epoch)
                    epochs[index] = epoch.rawValue
                    if tx.collectsEvents {
                        tx.events.append(.deltaApplied(DeltaID(first + UInt64(index)), page: entry.page, epoch: epoch, source: batch.source))
                        tx.events.append(.pageChanged(entry.page, epoch: epoch))
                    }
                }
            }
        }
        do {
            try state.runWave(changed: batch.entries.lazy.map(\.page), into: &tx)
            if let journal {
                try epochs.withUnsafeBufferPointer { epochs in
                    try journal.appendBatch(
                        batch, firstID: DeltaID(first), epochs: epochs.baseAddress!, followedBy: tx.propagated, timestamp: now)
                }
            }
        } catch {
            tx.rollback(&state)
            throw error
        }
        state.markDirty(batch, slots: slots)
        return commit(tx, userDeltas: count, &state)
    }

    /// Applies validated deltas (slot `slots[i]` for delta `i`), runs their wave, and logs both as one
    /// record; undoes everything if a rule or the log fails.
    func applyWithWave(_ deltas: [Delta], slots: [PageTable.Slot], _ state: inout BusState) throws -> BatchReceipt {
        let count = deltas.count
        let first = state.nextDeltaID
        let now = configuration.clock.now()
        var tx = WaveTransaction(firstPropagationID: first + UInt64(count), timestamp: now, collectsEvents: events.isActive)
        var stampedDeltas: [Delta] = []
        stampedDeltas.reserveCapacity(count)
        for (index, delta) in deltas.enumerated() {
            let slot = slots[index]
            tx.saveEpoch(state.table, slot: slot)
            for run in delta.runs { tx.saveBytes(state.table, slot: slot, offset: run.offset, length: run.length) }
            delta.writeRuns(into: state.table.data(slot))
            state.table.setEpoch(slot, delta.epoch)
            var copy = delta
            copy.id = DeltaID(first + UInt64(index))
            copy.timestamp = now
            stampedDeltas.append(copy)
            if tx.collectsEvents {
                tx.events.append(.deltaApplied(copy.id, page: delta.page, epoch: delta.epoch, source: delta.source))
                tx.events.append(.pageChanged(delta.page, epoch: delta.epoch))
            }
        }
        do {
            try state.runWave(changed: deltas.lazy.map(\.page), into: &tx)
            if journal != nil { try record(.deltas(stampedDeltas + tx.propagated), at: now) }
        } catch {
            tx.rollback(&state)
            throw error
        }
        state.markDirty(deltas)
        return commit(tx, userDeltas: count, &state)
    }

    /// Makes a finished wave's effects permanent: dirty bits, ids, events.
    func commit(_ tx: WaveTransaction, userDeltas: Int, _ state: inout BusState) -> BatchReceipt {
        state.markDirty(tx.propagated)
        let first = state.nextDeltaID
        state.nextDeltaID += UInt64(userDeltas + tx.propagated.count)
        if tx.collectsEvents { events.enqueue(tx.events) }
        let ids: ClosedRange<DeltaID>? = userDeltas == 0 ? nil : DeltaID(first)...DeltaID(first + UInt64(userDeltas) - 1)
        return BatchReceipt(deltas: ids, propagated: tx.propagated.count)
    }

    // MARK: Propagation API

    /// Runs the wave for every change queued since the last one (deferred mode), and recomputes pages
    /// whose inputs were rewired; the wave's deltas are logged as one record.
    ///
    /// In immediate mode there is usually nothing queued; it then does nothing.
    /// - Returns: the number of propagation deltas applied.
    /// - Throws: ``RuleError``; nothing is applied and the queue is kept, so a fixed rule can retry.
    @discardableResult
    public func propagate() throws -> Int {
        try change { state in try propagateLocked(&state) }
    }

    /// Runs the queued wave under the write lock.
    func propagateLocked(_ state: inout BusState) throws -> Int {
        guard !state.propagation.pending.isEmpty || !state.propagation.forced.isEmpty else { return 0 }
        let pending = state.propagation.pending.sorted()
        let now = configuration.clock.now()
        var tx = WaveTransaction(firstPropagationID: state.nextDeltaID, timestamp: now, collectsEvents: events.isActive)
        do {
            try state.runWave(changed: pending, into: &tx)
            if journal != nil, !tx.propagated.isEmpty { try record(.deltas(tx.propagated), at: now) }
        } catch {
            tx.rollback(&state)
            throw error
        }
        state.propagation.pending = []
        return commit(tx, userDeltas: 0, &state).propagated
    }

    /// Recomputes `pages` (and what changes downstream) whatever their inputs' epochs: after a rule's
    /// code changed, or to bring a page registered late up to date.
    ///
    /// - Returns: the number of propagation deltas applied.
    /// - Throws: ``PageError/notFound(_:)``, ``RuleError``; nothing is applied when it throws.
    @discardableResult
    public func recompute(_ pages: [PageID]) throws -> Int {
        try change { state in
            for page in pages { _ = try state.slot(of: page) }
            let saved = state.propagation.forced
            state.propagation.forced.formUnion(pages)
            do {
                return try propagateLocked(&state)
            } catch {
                state.propagation.forced = saved
                throw error
            }
        }
    }

    /// Recomputes every page that has a rule, in topological order (the naive full recompute).
    @discardableResult
    public func recomputeAll() throws -> Int {
        let pages = state.withReadLock { Array($0.propagation.rules.keys) }
        return try recompute(pages)
    }

    /// Pages whose changes wait for the next ``propagate()``, by id.
    public var pendingPropagation: [PageID] {
        state.withReadLock { $0.propagation.pending.union($0.propagation.forced).sorted() }
    }

    // MARK: Rules

    /// Registers `rule` as the way page `page` is recomputed from its data parents, replacing any rule
    /// it had. Rules are code: they are not logged, so register them again each time a store is opened.
    /// The page is recomputed at the next wave that reaches it (or call ``recompute(_:)``).
    ///
    /// - Throws: ``PageError/notFound(_:)``; ``RuleError/incompatibleSize(page:reason:)`` for a semiring
    ///   rule whose elements do not divide the page.
    public func setRule(_ rule: RecomputeRule, for page: PageID) throws {
        try state.withWriteLock { state in
            let slot = try state.slot(of: page)
            if let checked = rule.body as? any SizeCheckedRule { try checked.check(page: page, size: state.table.size(slot)) }
            state.propagation.rules[page] = rule
            state.propagation.signatures[page] = nil
        }
    }

    /// Removes the rule of `page`; returns whether it had one.
    @discardableResult
    public func removeRule(for page: PageID) -> Bool {
        state.withWriteLock { state in
            state.propagation.signatures[page] = nil
            return state.propagation.rules.removeValue(forKey: page) != nil
        }
    }

    /// The rule of `page`, if one is registered.
    public func rule(for page: PageID) -> RecomputeRule? {
        state.withReadLock { $0.propagation.rules[page] }
    }

    /// Pages that have a rule, by id.
    public var pagesWithRules: [PageID] { state.withReadLock { $0.propagation.rules.keys.sorted() } }

    // MARK: Marks

    /// What waves noted about `page` (stale, needs device sync, artefacts invalid).
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func marks(of page: PageID) throws -> PageMarks {
        try state.withReadLock { state throws(PageError) in
            _ = try state.slot(of: page)
            return state.propagation.marks[page] ?? []
        }
    }

    /// Pages carrying any of `marks`, by id.
    public func pages(marked marks: PageMarks) -> [PageID] {
        state.withReadLock { state in state.propagation.marks.filter { !$0.value.isDisjoint(with: marks) }.keys.sorted() }
    }

    /// Clears `marks` of `page` (after it was refreshed, synced or rebuilt).
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func clearMarks(_ marks: PageMarks, of page: PageID) throws {
        try state.withWriteLock { state throws(PageError) in
            _ = try state.slot(of: page)
            let left = (state.propagation.marks[page] ?? []).subtracting(marks)
            state.propagation.marks[page] = left.isEmpty ? nil : left
        }
    }
}
