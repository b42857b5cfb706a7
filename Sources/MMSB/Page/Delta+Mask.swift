extension Delta {
    /// The original's dense constructor: `payload[i]` is written wherever `mask[i]` is true.
    ///
    /// Bytes of `payload` under a false mask entry are never written, so they are not kept
    /// (``toDense()`` returns zeros there).
    /// - Throws: ``DeltaError/sizeMismatch(maskLength:payloadLength:)`` unless the lengths are equal;
    ///   ``DeltaError/empty(_:)`` when no mask entry is set.
    public static func dense(
        page: PageID, epoch: Epoch, mask: [Bool], payload: [UInt8],
        source: DeltaSource = .user, intent: String? = nil
    ) throws(DeltaError) -> Delta {
        guard mask.count == payload.count else { throw .sizeMismatch(maskLength: mask.count, payloadLength: payload.count) }
        var runs: [DeltaRun] = []
        var packed: [UInt8] = []
        forEachSetSpan(mask) { start, end in
            runs.append(DeltaRun(offset: start, length: end - start))
            packed.append(contentsOf: payload[start..<end])
        }
        guard !runs.isEmpty else { throw .empty(page) }
        return Delta(page: page, epoch: epoch, source: source, intent: intent, runs: runs, payload: packed, extent: mask.count)
    }

    /// The original's sparse constructor: the set entries of `mask`, in order, take the bytes of `payload`.
    ///
    /// - Throws: ``DeltaError/sizeMismatch(maskLength:payloadLength:)`` unless `payload` has one byte per
    ///   set mask entry (the error's `maskLength` is that count); ``DeltaError/empty(_:)`` when none is set.
    public static func sparse(
        page: PageID, epoch: Epoch, mask: [Bool], payload: [UInt8],
        source: DeltaSource = .user, intent: String? = nil
    ) throws(DeltaError) -> Delta {
        let selected = mask.reduce(0) { $1 ? $0 + 1 : $0 }
        guard selected == payload.count else { throw .sizeMismatch(maskLength: selected, payloadLength: payload.count) }
        var runs: [DeltaRun] = []
        forEachSetSpan(mask) { start, end in runs.append(DeltaRun(offset: start, length: end - start)) }
        guard !runs.isEmpty else { throw .empty(page) }
        return Delta(page: page, epoch: epoch, source: source, intent: intent, runs: runs, payload: payload, extent: mask.count)
    }

    /// The delta as the original's dense form: a mask of ``extent`` entries and a payload of the same
    /// length holding the written bytes at set positions and zeros elsewhere.
    ///
    /// For the original's example, sparse mask `[T,F,T,F,T]` with payload `[10,50,90]` gives
    /// `[10,00,50,00,90]`.
    public func toDense() -> (mask: [Bool], payload: [UInt8]) {
        var mask = [Bool](repeating: false, count: extent)
        var dense = [UInt8](repeating: 0, count: extent)
        var start = 0
        for run in runs {
            for index in 0..<run.length {
                mask[run.offset + index] = true
                dense[run.offset + index] = payload[start + index]
            }
            start += run.length
        }
        return (mask, dense)
    }

    /// Calls `body` with each maximal span `[start, end)` of true entries.
    private static func forEachSetSpan(_ mask: [Bool], _ body: (Int, Int) -> Void) {
        var index = 0
        while index < mask.count {
            guard mask[index] else { index += 1; continue }
            let start = index
            while index < mask.count, mask[index] { index += 1 }
            body(start, index)
        }
    }
}
