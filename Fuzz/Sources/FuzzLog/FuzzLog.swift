@_spi(Fuzzing) import MMSB
import FuzzSupport

/// One input: byte 0 chooses the parser, the rest is what it reads.
///
/// Byte 0, bits 0–6 modulo 5: 0 segment header, 1 manifest slot, 2 records (no header), 3 whole segment
/// (header and records), 4 replay of records into two buses (fast path against decoded path).
/// Bit 7: recompute every checksum before it is checked, so mutations reach the decoders behind it.
/// A trap, or an oracle mismatch (which traps here), is a finding.
func fuzzLog(_ data: UnsafeRawBufferPointer) -> CInt {
    guard let selector = data.first else { return 0 }
    let input = UnsafeRawBufferPointer(rebasing: data.dropFirst())
    let fix = selector & 0x80 != 0
    let outcome: FuzzEntryPoints.Outcome
    switch (selector & 0x7F) % 5 {
    case 0: outcome = FuzzEntryPoints.segmentHeader(input, fixChecksums: fix)
    case 1: outcome = FuzzEntryPoints.manifestSlot(input, fixChecksums: fix)
    case 2: outcome = FuzzEntryPoints.records(input, fixChecksums: fix)
    case 3: outcome = FuzzEntryPoints.segment(input, fixChecksums: fix)
    default: outcome = FuzzEntryPoints.replay(input, fixChecksums: fix)
    }
    if let mismatch = outcome.mismatch { fatalError("oracle mismatch: \(mismatch)") }
    return 0
}

// libFuzzer wants to own `main`, SwiftPM gives executables `<Target>_main`: hand over to libFuzzer's driver.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    fuzzLog(UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size))
}

@_cdecl("FuzzLog_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
