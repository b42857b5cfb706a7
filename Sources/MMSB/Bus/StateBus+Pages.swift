extension StateBus {
    /// Creates a zero-filled page with the next id (1, 2, 3, …) and epoch 0.
    ///
    /// - Throws: ``PageError/invalidSize(_:)`` unless `size` is 1 byte … 1 GiB;
    ///   ``PageError/idsExhausted`` once page `UInt64.max` has been created;
    ///   ``PageError/locationUnavailable(_:)`` for a device location the bus cannot serve;
    ///   ``PageError/memory(_:)`` when memory runs out. Nothing changes when it throws.
    /// - Complexity: O(1) amortised, plus zeroing a reused buffer.
    @discardableResult
    public func createPage(size: Int, location: PageLocation = .cpu, metadata: PageMetadata = PageMetadata()) throws -> PageID {
        try checkNewPage(size: size, location: location)
        return try change { state in
            guard let id = state.nextPageID else { throw PageError.idsExhausted }
            try insertPage(&state, id: id, size: size, location: location, metadata: metadata)
            return id
        }
    }

    /// Creates a zero-filled page with the id you choose and epoch 0.
    ///
    /// Later pages created without a chosen id are numbered after the highest id ever used, so the
    /// bus never hands out an id twice.
    /// - Throws: ``PageError/alreadyExists(_:)`` if page `id` exists; ``PageError/invalidID(_:)`` for id 0;
    ///   ``PageError/retiredID(_:next:)`` for an id below ``nextPageID`` (it may have been deleted);
    ///   and the errors of ``createPage(size:location:metadata:)``.
    @discardableResult
    public func createPage(id: PageID, size: Int, location: PageLocation = .cpu, metadata: PageMetadata = PageMetadata()) throws -> PageID {
        try createPage(id: id, size: size, location: location, metadata: metadata, enforcingDevicePolicy: true)
    }

    /// Creates a chosen page; replay passes `enforcingDevicePolicy: false` because the log records pages
    /// that were valid when they were made.
    func createPage(
        id: PageID, size: Int, location: PageLocation, metadata: PageMetadata, enforcingDevicePolicy: Bool
    ) throws -> PageID {
        guard id.rawValue != 0 else { throw PageError.invalidID(id) }
        try checkNewPage(size: size, location: enforcingDevicePolicy ? location : .cpu)
        try change { state in
            guard state.table.slot(of: id) == nil else { throw PageError.alreadyExists(id) }
            guard id.rawValue > state.highestPageID else { throw PageError.retiredID(id, next: state.nextPageID) }
            try insertPage(&state, id: id, size: size, location: location, metadata: metadata)
        }
        return id
    }

    private func checkNewPage(size: Int, location: PageLocation) throws(PageError) {
        guard size > 0, size <= Self.maximumPageSize else { throw .invalidSize(size) }
        if location != .cpu, configuration.deviceMemory == .refuse { throw .locationUnavailable(location) }
    }

    /// Inserts the page, journals it, and rolls the insert back if the journal refuses.
    private func insertPage(_ state: inout BusState, id: PageID, size: Int, location: PageLocation, metadata: PageMetadata) throws {
        let slot = try state.table.insert(id: id, size: size, location: location)
        do {
            try record(.pageCreated(id, size: size, location: location, metadata: metadata))
        } catch {
            state.table.remove(slot)
            throw error
        }
        if !metadata.isEmpty { state.metadata[id] = metadata }
        state.highestPageID = max(state.highestPageID, id.rawValue)
        if events.wants(.pageCreated) { events.enqueue([.pageCreated(id)]) }
    }

    /// Deletes a page; its memory returns to the bus's allocator at once and its id is never reused.
    ///
    /// Its edges go with it (replay does the same, so no edge records are logged) and so do its rule
    /// and marks; the pages that depended on it are marked stale.
    /// - Throws: ``PageError/notFound(_:)`` if there is no such page.
    public func deletePage(_ id: PageID) throws {
        try change { state in
            let slot = try state.slot(of: id)
            try record(.pageDeleted(id))
            state.table.remove(slot)
            state.metadata[id] = nil
            var notes: [BusEvent.Kind] = [.pageDeleted(id)]
            if state.graph.edgeCount > 0 {
                let children = state.graph.children(of: id)
                state.graph.removePage(id)
                for child in children where !state.propagation.isReplaying {
                    state.propagation.signatures[child] = nil
                    state.propagation.marks[child, default: []].insert(.stale)
                    notes.append(.pageStale(child))
                }
            }
            state.propagation.forget(id)
            if events.isActive { events.enqueue(notes) }
        }
    }

    /// The page's size, location, epoch, metadata and dirty state.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func info(page id: PageID) throws -> PageInfo {
        try state.withReadLock { state throws(PageError) in state.info(try state.slot(of: id)) }
    }

    /// Every page, sorted by id.
    ///
    /// - Complexity: O(n log n) for n pages.
    public func pages() -> [PageInfo] {
        state.withReadLock { state in state.table.slotsByID().map { state.info($0) } }
    }

    /// Whether page `id` exists.
    public func contains(page id: PageID) -> Bool {
        state.withReadLock { $0.table.slot(of: id) != nil }
    }

    // MARK: Metadata

    /// The page's metadata.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func metadata(of id: PageID) throws -> PageMetadata {
        try state.withReadLock { state throws(PageError) in
            _ = try state.slot(of: id)
            return state.metadata[id] ?? PageMetadata()
        }
    }

    /// Replaces the page's metadata. Metadata is not page content: the epoch does not change.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func setMetadata(_ metadata: PageMetadata, of id: PageID) throws {
        try change { state in
            _ = try state.slot(of: id)
            try record(.metadataChanged(id, metadata))
            state.metadata[id] = metadata.isEmpty ? nil : metadata
        }
    }

    /// Sets one metadata entry of the page (moving the key to the end), or removes it when `value` is `nil`.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func setMetadata(_ value: [UInt8]?, forKey key: String, of id: PageID) throws {
        try change { state in
            _ = try state.slot(of: id)
            var metadata = state.metadata[id] ?? PageMetadata()
            metadata[key] = value
            try record(.metadataChanged(id, metadata))
            state.metadata[id] = metadata.isEmpty ? nil : metadata
        }
    }

    // MARK: Dirty chunks

    /// Byte ranges of the page written since its dirty bits were last cleared, at 64-byte granularity.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func dirtyRanges(of id: PageID) throws -> [Range<Int>] {
        try state.withReadLock { state throws(PageError) in state.table.dirtyRanges(try state.slot(of: id)) }
    }

    /// Clears the page's dirty bits (after its bytes were saved or synced).
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    public func clearDirty(page id: PageID) throws {
        try state.withWriteLock { state throws(PageError) in state.table.clearDirty(try state.slot(of: id)) }
    }
}
