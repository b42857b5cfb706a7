/// Limits every decoder enforces, so that no length read from disk can cause a huge allocation.
enum LogLimits {
    /// The largest record: a delta that writes a whole 1 GiB page, plus room for its framing.
    static let maximumRecordBytes = (1 << 30) + (1 << 20)
    static let maximumPageSize = PageMemoryPool.maximumBufferSize
    static let maximumMetadataBytes = 1 << 24
    static let maximumIntentBytes = 1 << 16
    /// The largest delta id a file may name. No log reaches it (2⁶² deltas at a billion a second take
    /// 146 years), and the bound keeps id arithmetic on damaged counters from overflowing.
    static let maximumDeltaID: UInt64 = 1 << 62
    /// The largest LSN a file may name, for the same reason.
    static let maximumLSN: UInt64 = 1 << 62
}

/// Source codes in a delta's flag byte; 7 means a custom label follows.
private let sourceCodes: [DeltaSource] = [.user, .compute, .propagation, .replay, .merge, .disk, .network]
private let customSourceCode: UInt8 = 7
private let intentFlag: UInt8 = 0x08

/// The source and intent part of an encoded delta, prepared once and reused for every delta that shares them.
struct DeltaTag {
    let flags: UInt8
    let label: [UInt8]?
    let intent: [UInt8]?

    init(source: DeltaSource, intent: String?) {
        var flags: UInt8
        if let code = sourceCodes.firstIndex(of: source) { flags = UInt8(code) } else { flags = customSourceCode }
        if intent != nil { flags |= intentFlag }
        self.flags = flags
        label = flags & 0x07 == customSourceCode ? Array(source.label.utf8) : nil
        self.intent = intent.map { Array($0.utf8) }
    }

    /// Appends flags, label, intent, page and epoch: everything of a delta before its runs.
    @inline(__always)
    func encode(page: PageID, epoch: Epoch, into out: inout ByteWriter) {
        out.uint8(flags)
        if let label { out.lengthPrefixed(label) }
        if let intent { out.lengthPrefixed(intent) }
        out.varint(page.rawValue)
        out.varint(epoch.rawValue)
    }

    /// Appends a whole one-run delta writing `bytes` at `offset` (extent = the run's end), exactly as
    /// ``LogRecord/Body`` encodes the equivalent ``Delta``.
    @inline(__always)
    func encodeRangedDelta(page: PageID, epoch: Epoch, offset: Int, bytes: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        encode(page: page, epoch: epoch, into: &out)
        out.varint(1)
        out.varint(offset)
        out.varint(bytes.count)
        out.varint(0)
        out.append(bytes)
    }
}

extension LogRecord.Body {
    /// Appends the body's bytes (the format is in docs/FORMAT.md).
    func encode(into out: inout ByteWriter) {
        switch self {
        case .pageCreated(let page, let size, let location, let metadata):
            out.varint(page.rawValue)
            out.varint(size)
            out.uint8(location.rawValue)
            out.lengthPrefixed(metadata.blob)
        case .pageDeleted(let page):
            out.varint(page.rawValue)
        case .metadataChanged(let page, let metadata):
            out.varint(page.rawValue)
            out.lengthPrefixed(metadata.blob)
        case .deltas(let deltas):
            out.varint(deltas.count)
            for delta in deltas { Self.encode(delta, into: &out) }
        case .checkpoint(let covered):
            out.varint(covered.rawValue)
        case .graphChanged(let change):
            out.varint(change.pages.from.rawValue)
            out.varint(change.pages.to.rawValue)
            switch change {
            case .edgeAdded(_, _, let type):
                out.uint8(type.rawValue)
            case .edgeRemoved(_, _, let type):
                out.uint8(type?.rawValue ?? Self.everyEdgeType)
            case .weightSet(_, _, let weight):
                if let weight {
                    out.uint8(1)
                    out.uint64(weight.bits)
                } else {
                    out.uint8(0)
                }
            }
        }
    }

    /// The edge-type byte of an edge-removed record that removes every type.
    static let everyEdgeType: UInt8 = 0xFF

    static func encode(_ delta: Delta, into out: inout ByteWriter) {
        DeltaTag(source: delta.source, intent: delta.intent).encode(page: delta.page, epoch: delta.epoch, into: &out)
        out.varint(delta.runs.count)
        var previousEnd = 0
        for run in delta.runs {
            out.varint(run.offset - previousEnd)
            out.varint(run.length)
            previousEnd = run.end
        }
        out.varint(delta.extent - previousEnd)
        out.append(delta.payload)
    }

    /// Decodes a body of `type`, strictly: every field in range and every byte used.
    ///
    /// Deltas get consecutive ids from `nextDeltaID` (advanced past them) and the record's timestamp.
    static func decode(
        type: RecordType, from reader: inout ByteReader, timestamp: UInt64, nextDeltaID: inout UInt64
    ) throws(DecodeFailure) -> LogRecord.Body {
        let body: LogRecord.Body
        switch type {
        case .pageCreated:
            let page = try pageID(&reader)
            let sizeOffset = reader.position
            let size = try reader.count("page size", limit: LogLimits.maximumPageSize)
            guard size > 0 else { throw DecodeFailure(offset: sizeOffset, reason: "page size 0") }
            let tagOffset = reader.position
            let tag = try reader.uint8("location")
            guard let location = PageLocation(rawValue: tag) else {
                throw DecodeFailure(offset: tagOffset, reason: "invalid location tag \(tag)")
            }
            body = .pageCreated(page, size: size, location: location, metadata: try metadata(&reader))
        case .pageDeleted:
            body = .pageDeleted(try pageID(&reader))
        case .metadataChanged:
            body = .metadataChanged(try pageID(&reader), try metadata(&reader))
        case .checkpoint:
            body = .checkpoint(covered: LSN(try reader.varint("covered LSN")))
        case .edgeAdded, .edgeRemoved, .edgeWeightSet:
            let from = try pageID(&reader)
            let to = try pageID(&reader)
            guard from != to else { throw DecodeFailure(offset: reader.position, reason: "an edge from page \(from) to itself") }
            let tagOffset = reader.position
            let tag = try reader.uint8(type == .edgeWeightSet ? "weight flag" : "edge type")
            switch type {
            case .edgeAdded:
                guard let edgeType = EdgeType(rawValue: tag) else { throw DecodeFailure(offset: tagOffset, reason: "unknown edge type \(tag)") }
                body = .graphChanged(.edgeAdded(from: from, to: to, type: edgeType))
            case .edgeRemoved:
                let edgeType = EdgeType(rawValue: tag)
                guard edgeType != nil || tag == Self.everyEdgeType else {
                    throw DecodeFailure(offset: tagOffset, reason: "unknown edge type \(tag)")
                }
                body = .graphChanged(.edgeRemoved(from: from, to: to, type: edgeType))
            default:
                guard tag <= 1 else { throw DecodeFailure(offset: tagOffset, reason: "invalid weight flag \(tag)") }
                body = .graphChanged(.weightSet(from: from, to: to, weight: tag == 1 ? EdgeWeight(bits: try reader.fixed(UInt64.self, "weight")) : nil))
            }
        case .deltas:
            let countOffset = reader.position
            let count = try reader.count("delta count", limit: reader.remaining)
            guard count > 0 else { throw DecodeFailure(offset: countOffset, reason: "a deltas record holds no delta") }
            var deltas: [Delta] = []
            deltas.reserveCapacity(count)
            for _ in 0..<count {
                deltas.append(try delta(&reader, id: DeltaID(nextDeltaID), timestamp: timestamp))
                nextDeltaID += 1
            }
            body = .deltas(deltas)
        }
        return body
    }

    private static func pageID(_ reader: inout ByteReader) throws(DecodeFailure) -> PageID {
        let offset = reader.position
        let raw = try reader.varint("page id")
        guard raw != 0 else { throw DecodeFailure(offset: offset, reason: "page id 0") }
        return PageID(raw)
    }

    private static func metadata(_ reader: inout ByteReader) throws(DecodeFailure) -> PageMetadata {
        let offset = reader.position
        let blob = try reader.lengthPrefixed("metadata", limit: LogLimits.maximumMetadataBytes)
        do {
            return try PageMetadata(blob: blob)
        } catch {
            throw DecodeFailure(offset: offset, reason: error.description)
        }
    }

    private static func delta(_ reader: inout ByteReader, id: DeltaID, timestamp: UInt64) throws(DecodeFailure) -> Delta {
        var runs: [DeltaRun] = []
        let view = try EncodedDelta.decode(&reader, runs: &runs)
        return Delta(
            id: id, page: view.page, epoch: view.epoch, source: view.source(), timestamp: timestamp,
            intent: view.intent(), runs: runs, payload: Array(view.payload), extent: view.extent)
    }
}

/// A delta as it lies in a log record: its fields decoded and checked, its runs in a caller's reusable
/// buffer, its label, intent and payload still pointing into the record's bytes.
///
/// The one parser of encoded deltas: building a ``Delta`` and the replay fast path both use it.
struct EncodedDelta {
    var sourceCode: UInt8
    var label: UnsafeRawBufferPointer?
    var intentBytes: UnsafeRawBufferPointer?
    var page: PageID
    var epoch: Epoch
    var extent: Int
    var payload: UnsafeRawBufferPointer

    /// The delta's source.
    func source() -> DeltaSource {
        guard let label else { return sourceCodes[Int(sourceCode)] }
        return .custom(String(decoding: label, as: UTF8.self))
    }

    /// The delta's intent text.
    func intent() -> String? { intentBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// Decodes one delta, replacing `runs` with its runs (sorted, non-overlapping, non-empty).
    @inline(__always)
    static func decode(_ reader: inout ByteReader, runs: inout [DeltaRun]) throws(DecodeFailure) -> EncodedDelta {
        let flagsOffset = reader.position
        let flags = try reader.uint8("delta flags")
        guard flags & ~(intentFlag | 0x07) == 0 else {
            throw DecodeFailure(offset: flagsOffset, reason: "unknown delta flags \(flags)")
        }
        var label: UnsafeRawBufferPointer?
        if flags & 0x07 == customSourceCode {
            let labelOffset = reader.position
            let raw = try reader.lengthPrefixed("source label", limit: DeltaSource.maximumLabelBytes)
            guard let text = String(validating: raw, as: UTF8.self), !text.isEmpty, case .custom = DeltaSource(label: text) else {
                throw DecodeFailure(offset: labelOffset, reason: "invalid custom source label")
            }
            label = raw
        }
        var intent: UnsafeRawBufferPointer?
        if flags & intentFlag != 0 {
            let intentOffset = reader.position
            let raw = try reader.lengthPrefixed("intent", limit: LogLimits.maximumIntentBytes)
            guard String(validating: raw, as: UTF8.self) != nil else {
                throw DecodeFailure(offset: intentOffset, reason: "intent is not valid UTF-8")
            }
            intent = raw
        }
        let pageOffset = reader.position
        let rawPage = try reader.varint("page id")
        guard rawPage != 0 else { throw DecodeFailure(offset: pageOffset, reason: "page id 0") }
        let epoch = Epoch(try reader.varint("epoch"))
        let runsOffset = reader.position
        let runCount = try reader.count("run count", limit: reader.remaining)
        guard runCount > 0 else { throw DecodeFailure(offset: runsOffset, reason: "a delta with no run") }
        runs.removeAll(keepingCapacity: true)
        var end = 0
        var total = 0
        for _ in 0..<runCount {
            let gap = try reader.count("run gap", limit: LogLimits.maximumPageSize - end)
            let lengthOffset = reader.position
            let length = try reader.count("run length", limit: LogLimits.maximumPageSize - end - gap)
            guard length > 0 else { throw DecodeFailure(offset: lengthOffset, reason: "an empty run") }
            runs.append(DeltaRun(offset: end + gap, length: length))
            end += gap + length
            total += length
        }
        let tail = try reader.count("extent", limit: LogLimits.maximumPageSize - end)
        let payload = try reader.bytes(total, "delta payload")
        return EncodedDelta(
            sourceCode: flags & 0x07, label: label, intentBytes: intent, page: PageID(rawPage), epoch: epoch,
            extent: end + tail, payload: payload)
    }
}
