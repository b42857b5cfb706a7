import MMSB

/// The JSON forms of the library's store reports, shared by the commands' `--json` output.
///
/// They are the CLI's contract with scripts, kept here rather than as `Codable` conformances of the
/// library's types, so that the library can change its types without changing what scripts read.
enum StoreJSON {
    /// Bytes cut from (or that recovery would cut from) the log.
    struct Damage: Encodable {
        var file: String
        var offset: Int
        var bytesDropped: Int
        var filesDropped: [String]
        var reason: String
        var recordsDropped: Int
        @JSONNullable var droppedLSNs: [UInt64]?
        var totalBytesDropped: Int

        init(_ damage: RecoveryReport.Damage) {
            file = damage.file
            offset = damage.offset
            bytesDropped = damage.bytesDropped
            filesDropped = damage.filesDropped
            reason = damage.reason
            recordsDropped = damage.recordsDropped
            droppedLSNs = damage.droppedLSNs.map { [$0.lowerBound.rawValue, $0.upperBound.rawValue] }
            totalBytesDropped = damage.totalBytesDropped
        }

        static func optional(_ damage: RecoveryReport.Damage?) -> Damage? { damage.map(Damage.init) }
    }

    /// What opening a store for writing found and did.
    struct Recovery: Encodable {
        var created: Bool
        var checkpointLSN: UInt64
        var recordsReplayed: Int
        var segmentsRead: Int
        var lastLSN: UInt64
        @JSONNullable var tornTail: Damage?
        @JSONNullable var salvaged: Damage?
        @JSONNullable var unfinishedSegment: Damage?

        init(_ report: RecoveryReport) {
            created = report.created
            checkpointLSN = report.checkpointLSN.rawValue
            recordsReplayed = report.recordsReplayed
            segmentsRead = report.segmentsRead
            lastLSN = report.lastLSN.rawValue
            tornTail = Damage.optional(report.tornTail)
            salvaged = Damage.optional(report.salvaged)
            unfinishedSegment = Damage.optional(report.unfinishedSegment)
        }
    }

    /// A file of the store and its size.
    struct File: Encodable {
        var name: String
        var bytes: Int
    }
}
