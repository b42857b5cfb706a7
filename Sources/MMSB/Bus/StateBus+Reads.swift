extension StateBus {
    /// A copy of the page's bytes.
    ///
    /// - Throws: ``PageError/notFound(_:)``.
    /// - Complexity: O(page size).
    public func read(page id: PageID) throws -> [UInt8] {
        try withUnsafeBytes(of: id) { Array($0) }
    }

    /// Calls `body` with the page's bytes, without copying them, under the bus's shared lock.
    ///
    /// Other readers run meanwhile; writers wait until `body` returns. The buffer must not escape
    /// `body`, and `body` must not write to this bus (that would wait for itself).
    /// - Throws: ``PageError/notFound(_:)``, or what `body` throws.
    public func withUnsafeBytes<R>(of id: PageID, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try state.withReadLock { state in
            if let failure = state.failure { throw failure }
            let slot = try state.slot(of: id)
            return try body(UnsafeRawBufferPointer(start: state.table.data(slot), count: state.table.size(slot)))
        }
    }

    /// Copies the page's bytes into `buffer`, which must be exactly as large as the page.
    ///
    /// - Throws: ``PageError/notFound(_:)``; ``DeltaError/lengthMismatch(expected:found:)`` for a buffer
    ///   of another size.
    public func read(page id: PageID, into buffer: UnsafeMutableRawBufferPointer) throws {
        try state.withReadLock { state in
            if let failure = state.failure { throw failure }
            let slot = try state.slot(of: id)
            let size = state.table.size(slot)
            guard buffer.count == size else { throw DeltaError.lengthMismatch(expected: size, found: buffer.count) }
            buffer.baseAddress!.copyMemory(from: state.table.data(slot), byteCount: size)
        }
    }
}
