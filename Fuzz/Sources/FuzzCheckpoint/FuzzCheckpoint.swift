@_spi(Fuzzing) import MMSB
import FuzzSupport

/// One input: byte 0's bit 0 says whether to recompute the checksums first, the rest is a checkpoint
/// file. A trap, or an oracle mismatch (which traps here), is a finding.
func fuzzCheckpoint(_ data: UnsafeRawBufferPointer) -> CInt {
    guard let selector = data.first else { return 0 }
    let input = UnsafeRawBufferPointer(rebasing: data.dropFirst())
    let outcome = FuzzEntryPoints.checkpoint(input, fixChecksums: selector & 1 != 0)
    if let mismatch = outcome.mismatch { fatalError("oracle mismatch: \(mismatch)") }
    return 0
}

// libFuzzer wants to own `main`, SwiftPM gives executables `<Target>_main`: hand over to libFuzzer's driver.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    fuzzCheckpoint(UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size))
}

@_cdecl("FuzzCheckpoint_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
