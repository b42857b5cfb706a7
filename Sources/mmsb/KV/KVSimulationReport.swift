import Foundation
import MMSBKV

extension KVSimulation.Report {
    /// The report as lines; every line but the last (throughput) is the same for the same options.
    func lines(_ options: KVSimulation.Options) -> [String] {
        let w = options.workload
        func percent(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "0.0%" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
        }
        func mebibytes(_ blocks: Int) -> String { String(format: "%.1f MiB", Double(blocks * blockBytes) / 1_048_576) }
        func count(_ table: [KVTransferStatistics.Pair: Int], _ from: KVTier, _ to: KVTier) -> Int {
            KVTransferStatistics.count(table, from, to)
        }
        let hits = deviceHits + hostHits + diskHits
        let t = transfers
        var lines = [
            "workload: \(requests) requests, \(w.conversations) conversations, \(w.systemPrompts) system prompts, "
                + "zipf \(String(format: "%.2f", w.zipfExponent)), seed \(w.seed)",
            "tiers: device \(options.deviceBlocks), host \(options.hostBlocks), disk \(options.diskBlocks) blocks "
                + "of \(w.pageSize) tokens (\(blockBytes) bytes); disk filter \(options.diskFilter ? "on" : "off")",
            "prompt blocks: \(promptBlocks) requested, \(hits) reused (\(percent(hits, promptBlocks))), \(computed) computed",
            "hit rate: device \(percent(deviceHits, promptBlocks)) (\(deviceHits)), host \(percent(hostHits, promptBlocks)) "
                + "(\(hostHits)), disk \(percent(diskHits, promptBlocks)) (\(diskHits))",
            "decoded blocks: \(decoded); rejected requests: \(rejected)",
            "evictions: device \(evictions[.device] ?? 0), host \(evictions[.host] ?? 0), disk \(evictions[.disk] ?? 0)",
        ]
        for (from, to) in [(KVTier.device, KVTier.host), (.host, .disk)] {
            let moved = count(t.offloaded, from, to)
            var line = "offload \(from)→\(to): \(moved) blocks (\(mebibytes(moved))), skipped \(count(t.skipped, from, to)), "
                + "dropped \(count(t.dropped, from, to))"
            if to == .disk { line += ", filtered \(count(t.filtered, from, to))" }
            line += ", failed \(count(t.offloadFailed, from, to))"
            lines.append(line)
        }
        for from in [KVTier.host, .disk] {
            let moved = count(t.onboarded, from, .device)
            lines.append("onboard \(from)→device: \(moved) blocks (\(mebibytes(moved))), failed \(count(t.onboardFailed, from, .device))")
        }
        lines.append("verified: \(verified) onboarded blocks byte-equal, \(corrupt) corrupt")
        let blocksPerSecond = seconds > 0 ? Double(promptBlocks + decoded) / seconds : 0
        let requestsPerSecond = seconds > 0 ? Double(requests) / seconds : 0
        lines.append(String(format: "throughput: %.0f requests/s, %.0f blocks/s (%.2f s)", requestsPerSecond, blocksPerSecond, seconds))
        return lines
    }
}

extension KVSimulation.Report {
    /// `kv simulate --json`: the same figures as the text report, as numbers.
    struct JSON: Encodable {
        struct Workload: Encodable {
            var requests: Int
            var conversations: Int
            var systemPrompts: Int
            var zipf: Double
            var seed: UInt64
            var pageSize: Int
        }

        struct Tiers: Encodable {
            var device: Int
            var host: Int
            var disk: Int
        }

        struct Offload: Encodable {
            var blocks: Int
            var skipped: Int
            var dropped: Int
            var filtered: Int
            var failed: Int
        }

        struct Onboard: Encodable {
            var blocks: Int
            var failed: Int
        }

        var workload: Workload
        var tierBlocks: Tiers
        var blockBytes: Int
        var diskFilter: Bool
        var promptBlocks: Int
        var reusedBlocks: Int
        var computedBlocks: Int
        var hits: Tiers
        var decodedBlocks: Int
        var rejectedRequests: Int
        var evictions: Tiers
        var offloadDeviceToHost: Offload
        var offloadHostToDisk: Offload
        var onboardHostToDevice: Onboard
        var onboardDiskToDevice: Onboard
        var verifiedBlocks: Int
        var corruptBlocks: Int
        /// Wall time of the run: the one field that differs between runs with the same options.
        var seconds: Double
    }

    func json(_ options: KVSimulation.Options) -> JSON {
        let w = options.workload
        let t = transfers
        func offload(_ from: KVTier, _ to: KVTier) -> JSON.Offload {
            JSON.Offload(
                blocks: KVTransferStatistics.count(t.offloaded, from, to), skipped: KVTransferStatistics.count(t.skipped, from, to),
                dropped: KVTransferStatistics.count(t.dropped, from, to), filtered: KVTransferStatistics.count(t.filtered, from, to),
                failed: KVTransferStatistics.count(t.offloadFailed, from, to))
        }
        func onboard(_ from: KVTier) -> JSON.Onboard {
            JSON.Onboard(
                blocks: KVTransferStatistics.count(t.onboarded, from, .device), failed: KVTransferStatistics.count(t.onboardFailed, from, .device))
        }
        return JSON(
            workload: .init(
                requests: requests, conversations: w.conversations, systemPrompts: w.systemPrompts, zipf: w.zipfExponent, seed: w.seed,
                pageSize: w.pageSize),
            tierBlocks: .init(device: options.deviceBlocks, host: options.hostBlocks, disk: options.diskBlocks), blockBytes: blockBytes,
            diskFilter: options.diskFilter, promptBlocks: promptBlocks, reusedBlocks: deviceHits + hostHits + diskHits, computedBlocks: computed,
            hits: .init(device: deviceHits, host: hostHits, disk: diskHits), decodedBlocks: decoded, rejectedRequests: rejected,
            evictions: .init(device: evictions[.device] ?? 0, host: evictions[.host] ?? 0, disk: evictions[.disk] ?? 0),
            offloadDeviceToHost: offload(.device, .host), offloadHostToDisk: offload(.host, .disk), onboardHostToDevice: onboard(.host),
            onboardDiskToDevice: onboard(.disk), verifiedBlocks: verified, corruptBlocks: corrupt, seconds: seconds)
    }
}
