/// One frame of an original transaction log, field for field as the original wrote it.
public struct LegacyLogEntry: Equatable, Sendable {
    /// The byte offset of the frame in the file.
    public let offset: Int
    /// The original's delta id.
    public let deltaID: UInt64
    /// The page the delta writes.
    public let pageID: UInt64
    /// The page's epoch once the delta was applied (the original stored it, never compared it).
    public let epoch: UInt32
    /// One entry per page byte from offset 0; true where the delta writes.
    public let mask: [Bool]
    /// Dense: one byte per mask entry. Sparse: one byte per true mask entry, in order.
    public let payload: [UInt8]
    /// Whether ``payload`` is sparse.
    public let isSparse: Bool
    /// Nanoseconds since the UNIX epoch (0 for deltas the original's C ABI created).
    public let timestamp: UInt64
    /// The source label, decoded as UTF-8 with invalid bytes replaced by U+FFFD, like the original.
    public let source: String
    /// The intent metadata (version 2 only); a zero length reads as `nil`, so an empty string the
    /// original wrote comes back as `nil`, as it did there. Decoded like ``source``.
    public let intentMetadata: String?

    /// Whether no mask entry is set, so the frame changes nothing.
    public var writesNothing: Bool { !mask.contains(true) }

    /// The frame as a ``Delta``.
    ///
    /// The delta keeps the frame's delta id and timestamp (a bus replaces both when it applies it),
    /// its page, epoch, source label (``DeltaSource/init(label:)``) and intent. Its runs are the spans
    /// of set mask entries, and its ``Delta/extent`` is the mask's length.
    ///
    /// A frame whose mask sets no entry cannot be a delta: ours are never empty. The original wrote such
    /// frames (its stress tests did) and applying them changed nothing but the page's epoch; use
    /// ``deltaIfNonEmpty()`` to skip them.
    /// - Throws: ``LegacyFormatError/invalidDelta(offset:_:)`` with the frame's offset and
    ///   ``DeltaError/sizeMismatch(maskLength:payloadLength:)`` when the payload does not fit the mask,
    ///   ``DeltaError/empty(_:)`` when no mask entry is set, or ``DeltaError/invalidSource(_:)`` when the
    ///   source label is empty or longer than 255 bytes.
    public func delta() throws(LegacyFormatError) -> Delta {
        do throws(DeltaError) {
            let page = PageID(pageID)
            let label = DeltaSource(label: source)
            var delta =
                isSparse
                ? try Delta.sparse(
                    page: page, epoch: Epoch(UInt64(epoch)), mask: mask, payload: payload, source: label,
                    intent: intentMetadata)
                : try Delta.dense(
                    page: page, epoch: Epoch(UInt64(epoch)), mask: mask, payload: payload, source: label,
                    intent: intentMetadata)
            guard label.isValid else { throw .invalidSource(source) }
            delta.id = DeltaID(deltaID)
            delta.timestamp = timestamp
            return delta
        } catch {
            throw .invalidDelta(offset: offset, error)
        }
    }

    /// The frame as a ``Delta``, or `nil` when its mask sets no entry and its payload agrees with that
    /// (empty when sparse, as long as the mask when dense): a frame that changes nothing.
    ///
    /// - Throws: as ``delta()``, except for an empty mask.
    public func deltaIfNonEmpty() throws(LegacyFormatError) -> Delta? {
        do {
            return try delta()
        } catch .invalidDelta(_, .empty) {
            return nil
        }
    }
}
