import Foundation
import MMSB

/// The second half of `mmsb demo`: the quickstart's page in a durable store, closed, reopened, and
/// looked at as it was before its last change.
enum StoreStory {
    /// Runs the story in a new store at `directory` (which must not exist), printing one sentence per
    /// step. The store keeps its history so that time travel can reach back before its checkpoint.
    ///
    /// - Throws: the bus's and the store's errors, unchanged.
    static func run(pageSize: Int, message: String, in directory: String, printing out: inout some TextOutputStream) throws {
        let options = StoreOptions(checkpointOnClose: false, keepHistory: true)
        let bus = try StateBus.open(at: directory, options: options)
        let id = bus.storeID.map(\.description) ?? "none"
        print(
            "Created a durable store in \(directory) (store id \(id)); "
                + "every change is logged and synced before the call returns.", to: &out)

        let page = try bus.createPage(size: pageSize, metadata: ["name": Array("quickstart".utf8)])
        print("Created page \(page) of \(pageSize) bytes: log record \(lastLSN(of: bus)).", to: &out)
        let shouted = Array(message.uppercased().utf8)
        let written = try bus.write(page: page, offset: 0, bytes: shouted)
        let shoutedLSN = lastLSN(of: bus)
        print(
            "Wrote \"\(message.uppercased())\" as delta \(written.delta): log record \(shoutedLSN), epoch \(written.epoch).",
            to: &out)
        let text = Array(message.utf8)
        let target = text + [UInt8](repeating: 0, count: max(0, pageSize - text.count))
        if let updated = try bus.update(page: page, to: target) {
            print(
                "Updated it to \"\(message)\" as delta \(updated.delta): log record \(lastLSN(of: bus)), epoch \(updated.epoch).",
                to: &out)
        } else {
            print("Updated it to \"\(message)\": no byte differed, so nothing was logged.", to: &out)
        }
        try bus.close()
        print(
            "Closed the store without a checkpoint, so its state now lives only in the log (records 1 to \(lastLSN(of: bus))).",
            to: &out)

        let reopened = try StateBus.open(
            at: directory, options: StoreOptions(createIfMissing: false, checkpointOnClose: false, keepHistory: true))
        if let report = reopened.recoveryReport {
            let checkpoint =
                report.checkpointLSN == .zero ? "no checkpoint" : "the checkpoint covering record \(report.checkpointLSN)"
            let replayed = counted(report.recordsReplayed, "log record")
            let segments = counted(report.segmentsRead, "segment")
            let tail = report.tornTail == nil ? "found no torn tail to cut" : "cut a torn tail"
            print(
                "Reopened it: recovery found \(checkpoint), replayed \(replayed) from \(segments) up to record \(report.lastLSN), "
                    + "and \(tail).", to: &out)
        }
        let now = (text: quoted(try reopened.read(page: page)), epoch: try reopened.info(page: page).epoch)
        print("After reopening, page \(page) reads \(now.text) at epoch \(now.epoch).", to: &out)

        let past = try StateBus.open(at: directory, asOf: .lsn(LSN(shoutedLSN)))
        let then = (text: quoted(try past.read(page: page)), epoch: try past.info(page: page).epoch)
        print(
            "Travelled back to log record \(shoutedLSN): there page \(page) reads \(then.text) at epoch \(then.epoch); "
                + "the live store is unchanged.", to: &out)

        let report = try reopened.verify()
        if report.isConsistent {
            print(
                "Verified the store: the live state, the state read back from its files, and a full replay of its log "
                    + "all have digest \(report.checkpointAndTail).", to: &out)
        } else {
            print("Verification found a difference: \(report).", to: &out)
        }
        if let covered = try reopened.checkpoint() {
            print(
                "Took a checkpoint covering record \(covered), so the next open replays nothing; the log is kept for time travel.",
                to: &out)
        }
        try reopened.close()
    }

    /// The LSN of the last record the bus logged.
    private static func lastLSN(of bus: StateBus) -> UInt64 {
        (bus.nextLSN?.rawValue ?? 1) - 1
    }

    /// The page's text up to its first zero byte, in quotes.
    private static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) + "\""
    }
}
