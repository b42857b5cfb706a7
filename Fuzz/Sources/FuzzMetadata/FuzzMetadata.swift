import MMSB
import FuzzSupport

/// One input: the whole input is a metadata blob. One that decodes must survive `blob` → `init(blob:)`
/// unchanged. A trap, or an oracle mismatch (which traps here), is a finding.
func fuzzMetadata(_ data: UnsafeRawBufferPointer) -> CInt {
    guard let metadata = try? PageMetadata(blob: data) else { return 0 }
    guard let again = try? PageMetadata(blob: metadata.blob), again == metadata else {
        fatalError("oracle mismatch: metadata of \(metadata.count) entries changes through its blob")
    }
    return 0
}

// libFuzzer wants to own `main`, SwiftPM gives executables `<Target>_main`: hand over to libFuzzer's driver.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    fuzzMetadata(UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size))
}

@_cdecl("FuzzMetadata_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
