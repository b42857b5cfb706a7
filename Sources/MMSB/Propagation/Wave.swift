extension BusState {
    /// Whether a change to `page` has dependants to visit.
    @inline(__always)
    func hasDependants(_ page: PageID) -> Bool {
        guard let node = graph.nodeOfPage[page] else { return false }
        return !graph.nodes[Int(node)].children.isEmpty
    }

    /// Runs a propagation wave after `changed` pages changed (plus any forced pages), recording in `tx`.
    ///
    /// Pages are visited once each, in the graph's canonical topological order, and only when a parent
    /// changed in this wave (or they are forced): a data child with a rule is recomputed when an input's
    /// epoch differs from what the rule last saw (a rule without data parents whenever any parent
    /// changed); a data child without a rule is marked stale; control, gpuSync and compiler children get
    /// their marks. A recomputed page whose bytes did not change does not wake its own children.
    ///
    /// - Throws: ``RuleError`` from the first rule that fails; `tx` then holds what to undo.
    mutating func runWave(changed: some Sequence<PageID>, into tx: inout WaveTransaction) throws(RuleError) {
        let forced = propagation.forced
        tx.saveQueues(forced: forced, pending: propagation.pending)
        propagation.forced = []
        guard graph.edgeCount > 0 || !forced.isEmpty else { return }
        graph.updateCanonicalOrder()
        let stamp = propagation.nextStamp(nodes: graph.nodes.count)
        var heap = propagation.heap
        heap.removeAll()
        defer { propagation.heap = heap }
        let rank = graph.canonical!.rank
        try rank.withUnsafeBufferPointer { (rank) throws(RuleError) in
            let keys = rank.baseAddress!
            for page in changed {
                guard let node = graph.nodeOfPage[page] else { continue }
                propagation.changed[Int(node)] = stamp
                for link in graph.nodes[Int(node)].children where propagation.queued[Int(link.node)] != stamp {
                    propagation.queued[Int(link.node)] = stamp
                    heap.insert(link.node, keys: keys)
                }
            }
            for page in forced.sorted() {
                guard let node = graph.nodeOfPage[page] else {
                    // A forced page without edges has no inputs left; its rule (if any) runs on none.
                    _ = try recompute(page: page, node: nil, into: &tx)
                    continue
                }
                propagation.forcedMark[Int(node)] = stamp
                if propagation.queued[Int(node)] != stamp {
                    propagation.queued[Int(node)] = stamp
                    heap.insert(node, keys: keys)
                }
            }
            while let node = heap.popMin(keys: keys) {
                guard try visit(node, stamp: stamp, into: &tx) else { continue }
                propagation.changed[Int(node)] = stamp
                for link in graph.nodes[Int(node)].children where propagation.queued[Int(link.node)] != stamp {
                    propagation.queued[Int(link.node)] = stamp
                    heap.insert(link.node, keys: keys)
                }
            }
        }
    }

    /// Handles one page of a wave; returns whether its bytes changed.
    private mutating func visit(_ node: Int32, stamp: UInt32, into tx: inout WaveTransaction) throws(RuleError) -> Bool {
        let page = graph.nodes[Int(node)].page
        var types = EdgeTypeSet()
        for link in graph.nodes[Int(node)].parents where propagation.changed[Int(link.node)] == stamp {
            types = EdgeTypeSet(bits: types.bits | link.types.bits)
        }
        if types.contains(.control) { mark(page, .stale, event: .pageStale(page), into: &tx) }
        if types.contains(.gpuSync) { mark(page, .needsDeviceSync, event: .deviceSyncNeeded(page), into: &tx) }
        if types.contains(.compiler) { mark(page, .artefactsInvalid, event: .pageInvalidated(page), into: &tx) }
        let isForced = propagation.forcedMark[Int(node)] == stamp
        guard propagation.rules[page] != nil else {
            if types.contains(.data) { mark(page, .stale, event: .pageStale(page), into: &tx) }
            return false
        }
        let hasDataParents = graph.nodes[Int(node)].parents.contains { $0.types.contains(.data) }
        let run: Bool
        if isForced {
            run = true
        } else if !hasDataParents {
            run = !types.isEmpty
        } else if types.contains(.data) {
            run = propagation.signatures[page] != dataParentEpochs(node)
        } else {
            run = false
        }
        guard run else { return false }
        return try recompute(page: page, node: node, into: &tx)
    }

    /// The sum of the epochs of the data parents of `node` (see ``PropagationState/signatures``).
    private func dataParentEpochs(_ node: Int32) -> UInt64 {
        var sum: UInt64 = 0
        for link in graph.nodes[Int(node)].parents where link.types.contains(.data) {
            if let slot = table.slot(of: link.page) { sum &+= table.epoch(slot).rawValue }
        }
        return sum
    }

    /// Runs `rule` for the page in `slot` (graph node `node`) into `output`, which must hold at least
    /// the page's size, starting from the page's current bytes; returns the data parents' epoch sum.
    /// `inputs` is scratch room for the rule's inputs.
    func ruleOutput(
        _ rule: RecomputeRule, page: PageID, slot: PageTable.Slot, node: Int32?, into output: inout [UInt8],
        inputs: inout [RuleInput]
    ) throws(RuleError) -> UInt64 {
        let size = table.size(slot)
        inputs.removeAll(keepingCapacity: true)
        defer { inputs.removeAll(keepingCapacity: true) }
        var signature: UInt64 = 0
        if let node {
            for link in graph.nodes[Int(node)].parents where link.types.contains(.data) {
                guard let parentSlot = table.slot(of: link.page) else { continue }
                let epoch = table.epoch(parentSlot)
                signature &+= epoch.rawValue
                inputs.append(RuleInput(
                    page: link.page, epoch: epoch,
                    bytes: UnsafeRawBufferPointer(start: table.data(parentSlot), count: table.size(parentSlot)), weight: link.weight))
            }
        }
        let current = UnsafeRawBufferPointer(start: table.data(slot), count: size)
        let failure: RuleError? = output.withUnsafeMutableBytes { buffer in
            let out = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size])
            out.copyMemory(from: current)
            do {
                try rule.body.recompute(RuleInputs(page: page, pageSize: size, parents: inputs), into: out)
                return nil
            } catch let error as RuleError {
                return error
            } catch {
                return .failed(page: page, reason: "\(error)")
            }
        }
        if let failure { throw failure }
        return signature
    }

    /// Runs the rule of `page` and applies what differs as one propagation delta; returns whether
    /// anything changed.
    mutating func recompute(page: PageID, node: Int32?, into tx: inout WaveTransaction) throws(RuleError) -> Bool {
        guard let rule = propagation.rules[page], let slot = table.slot(of: page) else { return false }
        let size = table.size(slot)
        if propagation.output.count < size { propagation.output = [UInt8](repeating: 0, count: size) }
        var output = propagation.output
        propagation.output = []
        defer { propagation.output = output }
        var inputs = propagation.inputScratch
        propagation.inputScratch = []
        defer { propagation.inputScratch = inputs }
        let signature = try ruleOutput(rule, page: page, slot: slot, node: node, into: &output, inputs: &inputs)
        let current = UnsafeRawBufferPointer(start: table.data(slot), count: size)
        tx.saveSignature(page, propagation.signatures[page])
        propagation.signatures[page] = signature
        if let marks = propagation.marks[page], marks.contains(.stale) {
            tx.saveMarks(page, marks)
            let left = marks.subtracting(.stale)
            propagation.marks[page] = left.isEmpty ? nil : left
        }
        var runs: [DeltaRun] = []
        var payload: [UInt8] = []
        output.withUnsafeBytes { buffer in
            let new = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
            ByteDiff.forEachDifferingRun(old: current, new: new) { offset, length in
                runs.append(DeltaRun(offset: offset, length: length))
                payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: new[offset..<(offset + length)]))
            }
        }
        guard let last = runs.last else { return false }
        guard let epoch = table.epoch(slot).successor else { throw .epochExhausted(page: page) }
        let delta = Delta(
            id: DeltaID(tx.nextID), page: page, epoch: epoch, source: .propagation, timestamp: tx.timestamp, intent: nil,
            runs: runs, payload: payload, extent: last.end)
        for run in runs { tx.saveBytes(table, slot: slot, offset: run.offset, length: run.length) }
        tx.saveEpoch(table, slot: slot)
        delta.writeRuns(into: table.data(slot))
        table.setEpoch(slot, epoch)
        if tx.collectsEvents {
            tx.events.append(.deltaApplied(delta.id, page: page, epoch: epoch, source: .propagation))
            tx.events.append(.pageChanged(page, epoch: epoch))
        }
        tx.append(delta)
        return true
    }

    /// Marks the runs of `deltas` dirty: done when a change commits, so that an undone change leaves
    /// the dirty bits as they were.
    mutating func markDirty(_ deltas: [Delta]) {
        for delta in deltas {
            guard let slot = table.slot(of: delta.page) else { continue }
            for run in delta.runs { table.markDirty(slot, offset: run.offset, length: run.length) }
        }
    }

    /// Marks the writes of `batch` dirty (write `i` in `slots[i]`), as ``markDirty(_:)`` does for deltas.
    mutating func markDirty(_ batch: WriteBatch, slots: [PageTable.Slot]) {
        for (index, entry) in batch.entries.enumerated() { table.markDirty(slots[index], offset: entry.offset, length: entry.length) }
    }

    private mutating func mark(_ page: PageID, _ mark: PageMarks, event: BusEvent.Kind, into tx: inout WaveTransaction) {
        let old = propagation.marks[page]
        tx.saveMarks(page, old)
        propagation.marks[page] = (old ?? []).union(mark)
        if tx.collectsEvents { tx.events.append(event) }
    }
}
