import MMSB
import FuzzSupport

/// One input: byte 0 chooses the parser (even: `MMSBLOG1` transaction log, odd: `MMSBSNAP` checkpoint),
/// the rest is the file.
///
/// A log that parses is also turned into deltas, and each delta must survive `toDense()` →
/// `Delta.dense(…)` unchanged. A trap, or an oracle mismatch (which traps here), is a finding.
func fuzzLegacy(_ data: UnsafeRawBufferPointer) -> CInt {
    guard let selector = data.first else { return 0 }
    let bytes = Array(data.dropFirst())
    if selector & 1 == 0 {
        guard let log = try? LegacyTransactionLog(bytes: bytes) else { return 0 }
        for entry in log.entries {
            guard let delta = try? entry.delta() else { continue }
            let dense = delta.toDense()
            guard
                var rebuilt = try? Delta.dense(
                    page: delta.page, epoch: delta.epoch, mask: dense.mask, payload: dense.payload, source: delta.source,
                    intent: delta.intent)
            else { fatalError("oracle mismatch: the dense form of the delta at byte \(entry.offset) does not rebuild") }
            rebuilt.id = delta.id
            rebuilt.timestamp = delta.timestamp
            if rebuilt != delta { fatalError("oracle mismatch: the delta at byte \(entry.offset) changes through its dense form") }
        }
        _ = try? log.deltas()
    } else {
        guard let snapshot = try? LegacySnapshot(bytes: bytes) else { return 0 }
        for page in snapshot.pages where page.data.count != page.size {
            fatalError("oracle mismatch: page \(page.id) holds \(page.data.count) bytes, size \(page.size)")
        }
    }
    return 0
}

// libFuzzer wants to own `main`, SwiftPM gives executables `<Target>_main`: hand over to libFuzzer's driver.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    fuzzLegacy(UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size))
}

@_cdecl("FuzzLegacy_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
