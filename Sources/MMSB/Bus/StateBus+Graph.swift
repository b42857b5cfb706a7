extension StateBus {
    /// A copy of the bus's dependency graph.
    public var dependencyGraph: DependencyGraph { state.withReadLock { $0.graph } }

    /// Adds the edge `from → to` of `type`: `to` now depends on `from`. Adding an edge that exists does
    /// nothing and returns false.
    ///
    /// The change is logged and checkpointed. A new data edge changes `to`'s inputs, so `to` is
    /// recomputed (now in immediate mode, at the next ``propagate()`` in deferred mode).
    /// - Throws: ``GraphError/unknownPage(_:)``, ``GraphError/selfLoop(_:)``,
    ///   ``GraphError/cycle(from:to:cycle:)``, ``RuleError`` from the recompute. Nothing changes when it throws.
    @discardableResult
    public func addEdge(from: PageID, to: PageID, type: EdgeType = .data) throws -> Bool {
        try change { state in
            try Self.checkPagesExist(state, from, to)
            guard try state.graph.addEdge(from: from, to: to, type: type) else { return false }
            try finishGraphChange(&state, .edgeAdded(from: from, to: to, type: type), rewired: type == .data ? to : nil) { state in
                state.graph.removeEdge(from: from, to: to, type: type)
            }
            return true
        }
    }

    /// Removes the `type` edge `from → to`, or every edge between them when `type` is nil; returns how
    /// many edges went. Removing a data edge makes `to` recompute, as adding one does.
    ///
    /// - Throws: ``GraphError/unknownPage(_:)``, ``RuleError``. Nothing changes when it throws.
    @discardableResult
    public func removeEdge(from: PageID, to: PageID, type: EdgeType? = nil) throws -> Int {
        try change { state in
            try Self.checkPagesExist(state, from, to)
            let types = state.graph.edgeTypes(from: from, to: to)
            let weight = state.graph.weight(from: from, to: to)
            let removed = state.graph.removeEdge(from: from, to: to, type: type)
            guard removed > 0 else { return 0 }
            let dataRemoved = types.contains(.data) && !state.graph.edgeTypes(from: from, to: to).contains(.data)
            try finishGraphChange(&state, .edgeRemoved(from: from, to: to, type: type), rewired: dataRemoved ? to : nil) { state in
                for type in types { _ = try? state.graph.addEdge(from: from, to: to, type: type) }
                if let weight { try? state.graph.setWeight(weight, from: from, to: to) }
            }
            return removed
        }
    }

    /// Sets (or with `nil` clears) the weight of the data edge `from → to`, read by semiring rules;
    /// `to` is recomputed as after any change to its inputs.
    ///
    /// - Throws: ``GraphError/unknownPage(_:)``, ``GraphError/noDataEdge(from:to:)``, ``RuleError``.
    ///   Nothing changes when it throws.
    public func setWeight(_ weight: EdgeWeight?, from: PageID, to: PageID) throws {
        try change { state in
            try Self.checkPagesExist(state, from, to)
            let old = state.graph.weight(from: from, to: to)
            try state.graph.setWeight(weight, from: from, to: to)
            guard old != weight else { return }
            try finishGraphChange(&state, .weightSet(from: from, to: to, weight: weight), rewired: to) { state in
                try? state.graph.setWeight(old, from: from, to: to)
            }
        }
    }

    /// Logs a graph change already made in `state.graph` and recomputes the page whose inputs it
    /// rewired: the wave runs first, then the change and the wave's deltas are logged (two records,
    /// each whole), so a failing rule or log undoes both.
    private func finishGraphChange(
        _ state: inout BusState, _ graphChange: GraphChange, rewired child: PageID?, undo: (inout BusState) -> Void
    ) throws {
        let now = configuration.clock.now()
        var tx = WaveTransaction(firstPropagationID: state.nextDeltaID, timestamp: now, collectsEvents: events.isActive)
        let recomputes = child.map { state.propagation.rules[$0] != nil } ?? false
        if let child, recomputes {
            state.propagation.signatures[child] = nil
            if configuration.propagation == .immediate {
                let pending = state.propagation.pending
                state.propagation.forced.insert(child)
                state.propagation.pending = []
                do {
                    try state.runWave(changed: [], into: &tx)
                } catch {
                    tx.rollback(&state)
                    state.propagation.forced.remove(child)
                    state.propagation.pending = pending
                    undo(&state)
                    throw error
                }
                state.propagation.pending = pending
            } else {
                state.propagation.forced.insert(child)
            }
        }
        do {
            try record(.graphChanged(graphChange), at: now)
        } catch {
            tx.rollback(&state)
            if let child, configuration.propagation == .deferred, recomputes { state.propagation.forced.remove(child) }
            undo(&state)
            throw error
        }
        if !tx.propagated.isEmpty {
            do {
                try record(.deltas(tx.propagated), at: now)
            } catch {
                // The graph change is logged and stays; the recompute waits for the next wave.
                tx.rollback(&state)
                if let child { state.propagation.forced.insert(child) }
                throw error
            }
        }
        _ = commit(tx, userDeltas: 0, &state)
    }

    private static func checkPagesExist(_ state: borrowing BusState, _ pages: PageID...) throws(GraphError) {
        for page in pages where state.table.slot(of: page) == nil { throw .unknownPage(page) }
    }

    /// Applies a logged graph change (replay): the same checks as a live call, no recompute.
    func applyGraphChange(_ graphChange: GraphChange) throws {
        try state.withWriteLock { state in
            let (from, to) = graphChange.pages
            try Self.checkPagesExist(state, from, to)
            switch graphChange {
            case .edgeAdded(_, _, let type):
                try state.graph.addEdge(from: from, to: to, type: type)
            case .edgeRemoved(_, _, let type):
                state.graph.removeEdge(from: from, to: to, type: type)
            case .weightSet(_, _, let weight):
                try state.graph.setWeight(weight, from: from, to: to)
            }
        }
    }
}
