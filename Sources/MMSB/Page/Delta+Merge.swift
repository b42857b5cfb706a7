extension Delta {
    /// This delta followed by `later`, as one delta: where both write a byte, `later`'s byte wins.
    ///
    /// The result takes `later`'s id, source and page, the larger epoch and timestamp, `later`'s intent
    /// (or this one's if `later` has none), and the larger extent. Applying the result equals applying
    /// this delta and then `later`. Unlike the original, the deltas may have different extents, and the
    /// result stays a run list rather than becoming dense.
    /// - Throws: ``DeltaError/pageMismatch(expected:found:)`` for deltas of different pages.
    /// - Complexity: O(n), where n is the distance from the first written byte to the last.
    public func merging(_ later: Delta) throws(DeltaError) -> Delta {
        guard page == later.page else { throw .pageMismatch(expected: page, found: later.page) }
        let low = min(runs[0].offset, later.runs[0].offset)
        let high = max(runs[runs.count - 1].end, later.runs[later.runs.count - 1].end)
        var bytes = [UInt8](repeating: 0, count: high - low)
        var covered = [Bool](repeating: false, count: high - low)
        for delta in [self, later] {
            delta.forEachRun { offset, run in
                for index in 0..<run.count {
                    bytes[offset - low + index] = run[index]
                    covered[offset - low + index] = true
                }
            }
        }
        var mergedRuns: [DeltaRun] = []
        var mergedPayload: [UInt8] = []
        mergedPayload.reserveCapacity(high - low)
        var index = 0
        while index < covered.count {
            guard covered[index] else { index += 1; continue }
            let start = index
            while index < covered.count, covered[index] { index += 1 }
            mergedRuns.append(DeltaRun(offset: low + start, length: index - start))
            mergedPayload.append(contentsOf: bytes[start..<index])
        }
        return Delta(
            id: later.id, page: later.page, epoch: max(epoch, later.epoch), source: later.source,
            timestamp: max(timestamp, later.timestamp), intent: later.intent ?? intent,
            runs: mergedRuns, payload: mergedPayload, extent: max(extent, later.extent))
    }

    /// Merges each stretch of consecutive deltas for the same page into one (the original's `compact`).
    ///
    /// Deltas for different pages keep their order; applying the result equals applying `deltas`.
    public static func compact(_ deltas: [Delta]) -> [Delta] {
        var result: [Delta] = []
        result.reserveCapacity(deltas.count)
        for delta in deltas {
            if let last = result.last, last.page == delta.page, let merged = try? last.merging(delta) {
                result[result.count - 1] = merged
            } else {
                result.append(delta)
            }
        }
        return result
    }
}
