extension Delta {
    /// The smallest run-list delta turning `old` into `new`: one run per maximal span of differing
    /// bytes, or `nil` when they are equal.
    ///
    /// - Throws: ``DeltaError/lengthMismatch(expected:found:)`` unless `old` and `new` have equal lengths.
    /// - Complexity: O(n), comparing eight bytes at a time.
    public static func diff(
        page: PageID, epoch: Epoch, from old: [UInt8], to new: [UInt8],
        source: DeltaSource = .user, intent: String? = nil
    ) throws(DeltaError) -> Delta? {
        guard old.count == new.count else { throw .lengthMismatch(expected: old.count, found: new.count) }
        var runs: [DeltaRun] = []
        var payload: [UInt8] = []
        old.withUnsafeBytes { oldBytes in
            new.withUnsafeBytes { newBytes in
                ByteDiff.forEachDifferingRun(old: oldBytes, new: newBytes) { offset, length in
                    runs.append(DeltaRun(offset: offset, length: length))
                    payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: newBytes[offset..<(offset + length)]))
                }
            }
        }
        guard !runs.isEmpty else { return nil }
        return Delta(page: page, epoch: epoch, source: source, intent: intent, runs: runs, payload: payload, extent: runs.last!.end)
    }
}

/// Finds the spans where two equally long byte buffers differ.
enum ByteDiff {
    /// Calls `body(offset, length)` for each maximal span of differing bytes, in order.
    ///
    /// Equal stretches are skipped eight bytes at a time; `old` and `new` must have equal counts.
    @inline(__always)
    static func forEachDifferingRun(
        old: UnsafeRawBufferPointer, new: UnsafeRawBufferPointer, _ body: (_ offset: Int, _ length: Int) -> Void
    ) {
        let count = old.count
        guard count > 0, let oldBase = old.baseAddress, let newBase = new.baseAddress else { return }
        var index = 0
        while index < count {
            // Skip equal bytes, a word at a time while a whole word is left.
            while index + 8 <= count,
                  oldBase.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == newBase.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            {
                index += 8
            }
            while index < count, oldBase.load(fromByteOffset: index, as: UInt8.self) == newBase.load(fromByteOffset: index, as: UInt8.self) {
                index += 1
            }
            guard index < count else { return }
            let start = index
            while index < count, oldBase.load(fromByteOffset: index, as: UInt8.self) != newBase.load(fromByteOffset: index, as: UInt8.self) {
                index += 1
            }
            body(start, index - start)
        }
    }
}
