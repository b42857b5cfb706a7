// One-shot probe of resident memory, free of the benchmark harness and its malloc interposer:
// creates 1,000,000 pages of 1 KiB on a StateBus, writes all 1,024 bytes of every page (so the data
// is really resident), and prints the growth of the resident set from /proc/self/statm.
//
//     cd Benchmarks && swift run -c release RSSProbe [pages]
//
// Prints `rss_before=… rss_after=… delta=… per_page=… limit=1073741824 ok=true|false` and the bus's
// memory statistics; `ok` says whether the delta stays within 1 GiB. The exit status is 0 when ok.

import BenchmarkSupport
import MMSB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
