import CrashStateSupport
import Foundation
@testable import MMSB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `EIO`, `ENOSPC` and short writes injected at every file-system call of a workload (creation,
/// pages, writes across segment rotations, a checkpoint with its garbage collection, more writes, a
/// clean close). Whatever call fails: the call throws a typed error (or a short write is finished by
/// the write loop and nothing fails), every descriptor is released, and the store then opens with
/// every acknowledged record and exactly a state the workload had.
@Suite struct StoreFaultInjectionTests {
    /// Runs the workload once; stops at the first error (returned), closing the bus as a caller would.
    static func workload(_ store: String, oracle: StoreCrashOracle) -> (any Error)? {
        var bus: StateBus?
        do {
            let opened = try StateBus.open(at: store, options: StoreOptions(durability: .always, segmentSize: 4_096))
            bus = opened
            try oracle.acknowledge(opened)
            var pages: [PageID] = []
            for _ in 0..<2 {
                pages.append(try opened.createPage(size: 1_200))
                try oracle.acknowledge(opened)
            }
            for call in 0..<16 {
                try opened.write(page: pages[call % 2], offset: 0, bytes: StoreCrashStateTests.bytes(call, count: 900))
                try oracle.acknowledge(opened)
                if call == 11 {
                    try opened.checkpoint()
                    try oracle.acknowledge(opened)
                }
            }
            try opened.close()
            try oracle.acknowledge(opened)
            return nil
        } catch {
            // Closing after a failure may still log (the checkpoint `close` takes when the failure
            // spared the log): those states are the workload's too.
            try? bus?.close()
            if let bus { try? oracle.note(bus) }
            return error
        }
    }

    /// The number of calls the workload makes, and the states a whole run goes through.
    static func dryRun() throws -> (count: Int, oracle: StoreCrashOracle) {
        let scratch = CrashScratch("fault-count")
        let root = scratch.directory("run")
        let recorder = try FileSystemRecorder(root: root)
        let oracle = try StoreCrashOracle()
        oracle.recorder = recorder
        #expect(workload(root + "/store", oracle: oracle) == nil)
        recorder.stop()
        return (recorder.operationsSeen, oracle)
    }

    @Test(arguments: [FileFault.fail(errno: EIO), .fail(errno: ENOSPC), .shortWrite(bytes: 1)])
    func faultAtEveryCall(_ fault: FileFault) throws {
        let (count, reference) = try Self.dryRun()
        #expect(count > 50)
        let scratch = CrashScratch("fault")
        var failures: [String] = []
        var injected = 0
        for index in 0..<count {
            let root = scratch.directory("run")
            defer { scratch.remove(root) }
            let recorder = try FileSystemRecorder(root: root)
            let oracle = try StoreCrashOracle()
            oracle.recorder = recorder
            recorder.inject(fault, atOperation: index)
            let error = Self.workload(root + "/store", oracle: oracle)
            recorder.stop()
            oracle.adoptStates(of: reference)
            guard recorder.faultInjected else { continue }
            injected += 1
            if case .shortWrite = fault, let error { failures.append("short write at call \(index): the workload failed: \(error)") }
            if case .fail = fault {
                if error == nil { failures.append("\(fault) at call \(index) was not reported") }
                if let error, !(error is LogError) { failures.append("\(fault) at call \(index): untyped error \(type(of: error)): \(error)") }
            }
            for problem in oracle.violations(ofStoreAt: root + "/store", point: .max) {
                failures.append("\(fault) at call \(index): \(problem)")
            }
        }
        print("fault injection \(fault): \(count) calls, \(injected) faults injected, \(failures.count) failures")
        #expect(injected > count / 2)
        #expect(failures.isEmpty, "\(failures.count) failures, the first: \(failures.prefix(3).joined(separator: "\n"))")
    }
}
