#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

extension StateBus {
    /// Writes a checkpoint of every page and the id counters as of the last logged change, and returns
    /// the LSN it covers.
    ///
    /// Writers wait while it is written (readers do not). Protocol: the log rotates to a new segment;
    /// the checkpoint is written to `ckpt/<LSN>.ckpt.tmp`, synced, renamed, and the directory synced;
    /// the manifest's next generation names it; then older checkpoints and, unless
    /// ``StoreOptions/keepHistory``, the log segments it covers are deleted. A crash at any step leaves
    /// either the old or the new checkpoint in force. Equal states give byte-identical checkpoint files.
    /// - Returns: the covered LSN, or `nil` for an in-memory bus.
    /// - Throws: ``LogError`` for I/O failures.
    @discardableResult
    public func checkpoint() throws -> LSN? {
        guard let store else { return nil }
        return try state.withReadLock { (state) throws(LogError) -> LSN in
            if let failure = state.failure { throw failure }
            return try store.manifest.withLock { (manifest) throws(LogError) -> LSN in
                try writeCheckpoint(state, store: store, manifest: &manifest)
            }
        }
    }

    private func writeCheckpoint(_ state: borrowing BusState, store: OpenStore, manifest: inout Manifest) throws(LogError) -> LSN {
        // The marker goes first and the checkpoint covers it: the log says where a checkpoint was taken,
        // and a store closed with a checkpoint replays nothing when reopened. Appending under the read
        // lock keeps LSN order: writers need the write lock, so none runs meanwhile.
        let covered = store.log.nextLSN.rawValue
        try store.log.append(.checkpoint(covered: LSN(covered)), timestamp: configuration.clock.now())
        try store.log.rotate()
        try writeCheckpointFile(state, store: store, covered: covered)
        var next = manifest
        next.generation += 1
        next.checkpointLSN = covered
        if !store.options.keepHistory { next.firstLiveSegmentLSN = covered + 1 }
        try next.update(directory: store.path)
        manifest = next
        try collectGarbage(store: store, manifest: next)
        return LSN(covered)
    }

    /// Writes `ckpt/<covered>.ckpt` from the state: to a temporary file, synced, renamed, directory synced.
    private func writeCheckpointFile(_ state: borrowing BusState, store: OpenStore, covered: UInt64) throws(LogError) {
        let directory = store.checkpointDirectory
        let final = directory + "/" + CheckpointFile.name(covered)
        let temporary = final + ".tmp"
        var writer = try CheckpointWriter(path: temporary)
        let slots = state.table.slotsByID()
        try writer.header(store: store.store, lsn: covered, pageCount: slots.count, hasGraph: state.graph.edgeCount > 0)
        var counters = ByteWriter(capacity: 16)
        counters.uint64(state.highestPageID)
        counters.uint64(state.nextDeltaID)
        try writer.section(kind: CheckpointFile.countersKind, prefix: counters.bytes)
        for slot in slots {
            let id = state.table.id(slot)
            let blob = state.metadata[id]?.blob ?? []
            var prefix = ByteWriter(capacity: 29 + blob.count)
            prefix.uint64(id.rawValue)
            prefix.uint64(UInt64(state.table.size(slot)))
            prefix.uint8(state.table.location(slot).rawValue)
            prefix.uint64(state.table.epoch(slot).rawValue)
            prefix.uint32(UInt32(blob.count))
            prefix.append(blob)
            try writer.section(
                kind: CheckpointFile.pageKind, prefix: prefix.bytes,
                bytes: UnsafeRawBufferPointer(start: state.table.data(slot), count: state.table.size(slot)))
        }
        if state.graph.edgeCount > 0 {
            try writer.section(kind: CheckpointFile.graphKind, prefix: state.graph.checkpointPayload())
        }
        try writer.finish()
        try FileSystem.rename(temporary, to: final)
        try FileSystem.synchronizeDirectory(directory)
    }

    /// Deletes checkpoints the manifest does not name and, unless history is kept, segments below the
    /// first live LSN: files that are provably obsolete, and nothing else.
    func collectGarbage(store: OpenStore, manifest: Manifest) throws(LogError) {
        let keep = manifest.checkpointLSN == 0 ? nil : CheckpointFile.name(manifest.checkpointLSN)
        for name in try FileSystem.list(store.checkpointDirectory) where name != keep && (name.hasSuffix(".ckpt") || name.hasSuffix(".tmp")) {
            try FileSystem.remove(store.checkpointDirectory + "/" + name)
        }
        for name in try FileSystem.list(store.logDirectory) {
            guard let base = LogWriter.segmentLSN(fromName: name), base < manifest.firstLiveSegmentLSN else { continue }
            try FileSystem.remove(store.logDirectory + "/" + name)
        }
        try FileSystem.synchronizeDirectory(store.checkpointDirectory)
        try FileSystem.synchronizeDirectory(store.logDirectory)
    }

    /// Loads a decoded checkpoint into this bus, which must be empty and have no journal.
    func restore(_ contents: CheckpointFile.Contents) throws(PageError) {
        try state.withWriteLock { (state) throws(PageError) in
            for page in contents.pages {
                let slot = try state.table.insert(id: page.id, size: page.size, location: page.location)
                state.table.data(slot).copyMemory(from: page.bytes.baseAddress!, byteCount: page.size)
                state.table.setEpoch(slot, page.epoch)
                if !page.metadata.isEmpty { state.metadata[page.id] = page.metadata }
            }
            state.highestPageID = contents.highestPageID
            state.nextDeltaID = contents.nextDeltaID
            state.graph = contents.graph
        }
    }

    /// Takes a checkpoint when enough log has accumulated since the last (``StoreOptions/checkpointEveryLogBytes``).
    func checkpointIfDue() {
        guard let store, let every = store.options.checkpointEveryLogBytes,
              store.log.bytesSinceCheckpoint.load(ordering: .relaxed) >= every
        else { return }
        // A failed automatic checkpoint loses nothing (the log still holds every change); the next
        // attempt, or close, tries again.
        _ = try? checkpoint()
    }
}
