/// Everything one change does to a bus while it runs a wave, kept so that it can be undone whole:
/// a rule that throws, or a log that refuses the record, leaves the bus as it was before the call.
///
/// The caller's writes and the wave's are applied in place under the write lock (readers cannot see
/// them until it is released), saving the bytes, epochs, signatures and marks they replace. The wave's
/// deltas are collected here and logged in the same record as the caller's, so a crash never leaves
/// half a wave in the log.
struct WaveTransaction {
    private var savedBytes: [UInt8] = []
    private var savedRuns: [(slot: Int, offset: Int, length: Int, start: Int)] = []
    private var savedEpochs: [(slot: Int, epoch: Epoch)] = []
    private var savedSignatures: [(page: PageID, signature: UInt64?)] = []
    private var savedMarks: [(page: PageID, marks: PageMarks?)] = []
    private var savedForced: Set<PageID>?
    private var savedPending: Set<PageID>?
    /// Deltas the wave made, in order, with ids and timestamps assigned.
    private(set) var propagated: [Delta] = []
    /// Events of the change, in order; delivered only if it commits.
    var events: [BusEvent.Kind] = []
    let collectsEvents: Bool
    /// The id the next propagation delta gets.
    private(set) var nextID: UInt64
    let timestamp: UInt64

    init(firstPropagationID: UInt64, timestamp: UInt64, collectsEvents: Bool) {
        nextID = firstPropagationID
        self.timestamp = timestamp
        self.collectsEvents = collectsEvents
    }

    /// Saves `length` bytes at `offset` of the page in `slot` before they are overwritten.
    mutating func saveBytes(_ table: borrowing PageTable, slot: Int, offset: Int, length: Int) {
        savedRuns.append((slot, offset, length, savedBytes.count))
        savedBytes.append(contentsOf: UnsafeRawBufferPointer(start: table.data(slot) + offset, count: length))
    }

    mutating func saveEpoch(_ table: borrowing PageTable, slot: Int) {
        savedEpochs.append((slot, table.epoch(slot)))
    }

    mutating func saveSignature(_ page: PageID, _ signature: UInt64?) { savedSignatures.append((page, signature)) }

    mutating func saveMarks(_ page: PageID, _ marks: PageMarks?) { savedMarks.append((page, marks)) }

    mutating func saveQueues(forced: Set<PageID>, pending: Set<PageID>) {
        if savedForced == nil { savedForced = forced }
        if savedPending == nil { savedPending = pending }
    }

    mutating func append(_ delta: Delta) {
        propagated.append(delta)
        nextID += 1
    }

    /// Puts back everything saved, newest first.
    func rollback(_ state: inout BusState) {
        savedBytes.withUnsafeBytes { saved in
            for run in savedRuns.reversed() {
                (state.table.data(run.slot) + run.offset).copyMemory(from: saved.baseAddress! + run.start, byteCount: run.length)
            }
        }
        for entry in savedEpochs.reversed() { state.table.setEpoch(entry.slot, entry.epoch) }
        for entry in savedSignatures.reversed() { state.propagation.signatures[entry.page] = entry.signature }
        for entry in savedMarks.reversed() { state.propagation.marks[entry.page] = entry.marks }
        if let savedForced { state.propagation.forced = savedForced }
        if let savedPending { state.propagation.pending = savedPending }
    }
}
