import Dispatch

/// Copies a validated batch's bytes into pages on several threads.
///
/// Every write of a page goes to the same worker, chosen by the page's slot: the slots are cut into
/// `workers` contiguous ranges (neighbouring slots are mostly neighbouring memory, so each worker
/// streams through its own region; interleaving pages measured markedly slower). The writes of one
/// page keep their order while different pages are copied at once. Workers touch only raw memory that the
/// caller resolved beforehand (destinations, sources, undo room): no shared structure is changed.
struct ParallelApply {
    /// Destination of each write in its page.
    var destinations: [UnsafeMutableRawPointer]
    /// Slot of each write's page, which picks its worker.
    var slots: [Int]
    /// Where each write's replaced bytes go when the change may have to be undone; empty otherwise.
    var undoOffsets: [Int] = []

    /// Copies write `i` of `batch` to `destinations[i]`, saving the bytes it replaces at
    /// `undo + undoOffsets[i]` first when `undo` is given.
    func run(_ batch: WriteBatch, workers: Int, undo: UnsafeMutableRawPointer?) {
        batch.entries.withUnsafeBufferPointer { entries in
            batch.payload.withUnsafeBytes { payload in
                destinations.withUnsafeBufferPointer { destinations in
                    slots.withUnsafeBufferPointer { slots in
                        undoOffsets.withUnsafeBufferPointer { undoOffsets in
                            let plan = Plan(
                                entries: entries, source: payload.baseAddress!, destinations: destinations, slots: slots,
                                undoOffsets: undoOffsets, undo: undo, workers: workers, slotSpan: (slots.max() ?? 0) + 1)
                            if workers == 1 {
                                plan.run(worker: 0)
                            } else {
                                DispatchQueue.concurrentPerform(iterations: workers) { plan.run(worker: $0) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The raw memory of one run, shared read-only by the workers for the duration of `run`; each
    /// worker writes only the pages (and undo room) of its own writes, which is why it is Sendable.
    private struct Plan: @unchecked Sendable {
        let entries: UnsafeBufferPointer<WriteBatch.Entry>
        let source: UnsafeRawPointer
        let destinations: UnsafeBufferPointer<UnsafeMutableRawPointer>
        let slots: UnsafeBufferPointer<Int>
        let undoOffsets: UnsafeBufferPointer<Int>
        let undo: UnsafeMutableRawPointer?
        let workers: Int
        /// One past the highest slot written.
        let slotSpan: Int

        func run(worker: Int) {
            for index in entries.indices where workers == 1 || slots[index] * workers / slotSpan == worker {
                let entry = entries[index]
                if let undo { (undo + undoOffsets[index]).copyMemory(from: destinations[index], byteCount: entry.length) }
                destinations[index].copyMemory(from: source + entry.payloadStart, byteCount: entry.length)
            }
        }
    }
}
