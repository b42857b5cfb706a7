// One-shot probe of resident memory, free of the benchmark harness and its malloc interposer:
// creates 1,000,000 pages of 1 KiB on a StateBus, writes all 1,024 bytes of every page (so the data
// is really resident), and prints the growth of the resident set from /proc/self/statm.
//
//     cd Benchmarks && swift run -c release RSSProbe [pages]
//
// Prints `rss_before=… rss_after=… delta=… per_page=… limit=1073741824 ok=true|false` and the bus's
// memory statistics; `ok` says whether the delta stays within 1 GiB. The exit status is 0 when ok.

import MMSB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Resident set size of this process, from /proc/self/statm (resident pages × page size), or -1.
func residentBytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    guard fd >= 0 else { return -1 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return -1 }
    // "size resident shared text lib data dt", in pages.
    let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let resident = Int(String(decoding: fields[1], as: UTF8.self)) else { return -1 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

let pages = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let pageSize = 1_024
let limit = 1 << 30

// Not zero, so that writing really touches every byte; built before the first reading.
let payload = (0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

let before = residentBytes()
let bus = StateBus()
do {
    try payload.withUnsafeBytes { bytes in
        for _ in 0..<pages {
            let page = try bus.createPage(size: pageSize)
            try bus.write(page: page, offset: 0, bytes: bytes)
        }
    }
} catch {
    print("error after \(bus.pageCount) pages: \(error)")
    exit(2)
}
let after = residentBytes()
let delta = after - before
let ok = delta <= limit

print("rss_before=\(before) rss_after=\(after) delta=\(delta) per_page=\(pages > 0 ? delta / pages : 0) limit=\(limit) ok=\(ok)")
let statistics = bus.memoryStatistics
print("pages=\(bus.pageCount) memoryStatistics: \(statistics)")
// bytesMapped counts slabs and large mappings plus the page table's own mappings (its share of bookkeepingBytes).
print("margin=\(limit - delta) mapped_per_page=\(pages > 0 ? statistics.bytesMapped / pages : 0) bookkeeping_per_page=\(pages > 0 ? statistics.bookkeepingBytes / pages : 0)")
exit(ok ? 0 : 1)
