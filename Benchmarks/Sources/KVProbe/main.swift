// Throughput of MMSBKV's hashing, block copies between host tiers, and disk offload.
//
//     cd Benchmarks && swift run -c release KVProbe [runs]
//
// Every figure is the median of `runs` (default 5) runs. Each group compares against the baseline
// the issue names, measured in the same run: plain memcpy for host copies, `dd` with O_DIRECT for
// the disk. Files go to the directory in $KVPROBE_DIR (default: the temporary directory).

import BenchmarkSupport
import Foundation

let runs = CommandLine.arguments.count > 1 ? max(1, Int(CommandLine.arguments[1]) ?? 5) : 5
let directory = ProcessInfo.processInfo.environment["KVPROBE_DIR"] ?? NSTemporaryDirectory()

print("KVProbe: median of \(runs) runs")
try HashingProbe.run(runs: runs)
try HostCopyProbe.run(runs: runs)
try DiskOffloadProbe.run(runs: runs, directory: directory)
