/// Limits every decoder enforces, so that no length read from disk can cause a huge allocation.
enum LogLimits {
    /// The largest record: a delta that writes a whole 1 GiB page, plus room for its framing.
    static let maximumRecordBytes = (1 << 30) + (1 << 20)
    static let maximumPageSize = PageMemoryPool.maximumBufferSize
    static let maximumMetadataBytes = 1 << 24
    static let maximumIntentBytes = 1 << 16
}

/// Source codes in a delta's flag byte; 7 means a custom label follows.
private let sourceCodes: [DeltaSource] = [.user, .compute, .propagation, .replay, .merge, .disk, .network]
private let customSourceCode: UInt8 = 7
private let intentFlag: UInt8 = 0x08

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
        }
    }

    private static func encode(_ delta: Delta, into out: inout ByteWriter) {
        var flags: UInt8
        if let code = sourceCodes.firstIndex(of: delta.source) { flags = UInt8(code) } else { flags = customSourceCode }
        if delta.intent != nil { flags |= intentFlag }
        out.uint8(flags)
        if flags & 0x07 == customSourceCode { out.lengthPrefixed(Array(delta.source.label.utf8)) }
        if let intent = delta.intent { out.lengthPrefixed(Array(intent.utf8)) }
        out.varint(delta.page.rawValue)
        out.varint(delta.epoch.rawValue)
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
        let flagsOffset = reader.position
        let flags = try reader.uint8("delta flags")
        guard flags & ~(intentFlag | 0x07) == 0 else {
            throw DecodeFailure(offset: flagsOffset, reason: "unknown delta flags \(flags)")
        }
        let source: DeltaSource
        if flags & 0x07 == customSourceCode {
            let labelOffset = reader.position
            let label = try reader.lengthPrefixed("source label", limit: DeltaSource.maximumLabelBytes)
            guard let text = String(validating: label, as: UTF8.self), !text.isEmpty,
                  case .custom = DeltaSource(label: text)
            else { throw DecodeFailure(offset: labelOffset, reason: "invalid custom source label") }
            source = .custom(text)
        } else {
            source = sourceCodes[Int(flags & 0x07)]
        }
        var intent: String?
        if flags & intentFlag != 0 {
            let intentOffset = reader.position
            let raw = try reader.lengthPrefixed("intent", limit: LogLimits.maximumIntentBytes)
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw DecodeFailure(offset: intentOffset, reason: "intent is not valid UTF-8")
            }
            intent = text
        }
        let page = try pageID(&reader)
        let epoch = Epoch(try reader.varint("epoch"))
        let runsOffset = reader.position
        let runCount = try reader.count("run count", limit: reader.remaining)
        guard runCount > 0 else { throw DecodeFailure(offset: runsOffset, reason: "a delta with no run") }
        var runs: [DeltaRun] = []
        runs.reserveCapacity(runCount)
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
        return Delta(
            id: id, page: page, epoch: epoch, source: source, timestamp: timestamp, intent: intent,
            runs: runs, payload: Array(payload), extent: end + tail)
    }
}
