extension StateBus {
    /// Registers the rule called `name` in `registry` for `page` and records the name in the page's
    /// metadata (under ``RuleRegistry/metadataKey``, logged like any metadata change), so that a program
    /// reopening the store can register it again with ``registerRules(from:)``.
    ///
    /// - Throws: ``RuleError/unknownRule(page:name:)`` when the registry has no such rule;
    ///   ``PageError/notFound(_:)``; the errors of ``setRule(_:for:)``.
    public func setRule(named name: String, from registry: RuleRegistry = .standard, for page: PageID) throws {
        guard let rule = registry[name] else {
            throw RuleError.unknownRule(page: page, name: name)
        }
        try setRule(rule, for: page)
        try setMetadata(Array(name.utf8), forKey: RuleRegistry.metadataKey, of: page)
    }

    /// Registers, for every page whose metadata names a rule, that rule from `registry`; pages naming a
    /// rule the registry lacks are reported and keep no rule. Call it right after opening a store.
    @discardableResult
    public func registerRules(from registry: RuleRegistry) throws -> RuleRegistration {
        var registration = RuleRegistration()
        let named: [(PageID, String)] = state.withReadLock { state in
            state.metadata.compactMap { page, metadata in
                metadata[RuleRegistry.metadataKey].map { (page, String(decoding: $0, as: UTF8.self)) }
            }.sorted { $0.0 < $1.0 }
        }
        for (page, name) in named {
            guard let rule = registry[name] else {
                registration.missing.append(RuleRegistration.MissingRule(page: page, name: name))
                continue
            }
            try setRule(rule, for: page)
            registration.registered.append(page)
        }
        return registration
    }

    /// Rebuilds the store's state (read-only), registers the rules its pages name from `registry`, and
    /// runs them (``verifyRules()``). Pages naming a rule the registry lacks are in the registration's
    /// `missing` list and the verification's `unchecked` list; they do not make the store inconsistent.
    public static func verifyRules(storeAt directory: String, registry: RuleRegistry) throws -> (RuleRegistration, RuleVerification) {
        let bus = try rebuild(directory, target: nil, fullReplay: false)
        let registration = try bus.registerRules(from: registry)
        return (registration, bus.verifyRules())
    }

    /// Runs every registered rule on its inputs' current bytes, without changing anything, and compares
    /// the result with the page's bytes: after replay (which applies the logged propagation deltas and
    /// runs no rule) this finds rules that are impure or changed since the log was written.
    public func verifyRules() -> RuleVerification {
        state.withReadLock { state in
            var report = RuleVerification()
            report.pending = state.propagation.pending.union(state.propagation.forced).sorted()
            var output: [UInt8] = []
            var inputs: [RuleInput] = []
            let graphOrder = state.graph.topologicalOrder()
            let ordered = Set(graphOrder)
            let order = graphOrder + state.propagation.rules.keys.filter { !ordered.contains($0) }.sorted()
            for page in order {
                guard let slot = state.table.slot(of: page) else { continue }
                let node = state.graph.nodeOfPage[page]
                guard let rule = state.propagation.rules[page] else {
                    if let node, state.graph.nodes[Int(node)].parents.contains(where: { $0.types.contains(.data) }) {
                        report.unchecked.append(page)
                    }
                    continue
                }
                let size = state.table.size(slot)
                if output.count < size { output = [UInt8](repeating: 0, count: size) }
                do throws(RuleError) {
                    _ = try state.ruleOutput(rule, page: page, slot: slot, node: node, into: &output, inputs: &inputs)
                } catch {
                    report.failures.append(RuleVerification.Failure(page: page, error: error))
                    continue
                }
                var first: Int?
                var differing = 0
                output.withUnsafeBytes { new in
                    ByteDiff.forEachDifferingRun(
                        old: UnsafeRawBufferPointer(start: state.table.data(slot), count: size),
                        new: UnsafeRawBufferPointer(rebasing: new[0..<size])
                    ) { offset, length in
                        if first == nil { first = offset }
                        differing += length
                    }
                }
                if let first {
                    report.mismatches.append(RuleVerification.Mismatch(page: page, firstDifference: first, differingBytes: differing))
                } else {
                    report.matching.append(page)
                }
            }
            report.unchecked.sort()
            return report
        }
    }
}
