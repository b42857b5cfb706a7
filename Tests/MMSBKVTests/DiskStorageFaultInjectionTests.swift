import CrashStateSupport
import Foundation
import MMSB
@testable import MMSBKV
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Faults at every file-system call of the disk-tier workload of ``DiskStorageCrashStateTests``.
@Suite struct DiskStorageFaultInjectionTests {
    /// `EIO` and `ENOSPC` at every call of the workload: the failing call throws a typed
    /// `StorageError`, nothing crashes, and a storage whose creation failed leaves no file behind. A
    /// workload that succeeds anyway (the fault hit a call whose failure is harmless: the direct-I/O
    /// probe, the closing mark; or a short write, which the write loop finishes) left every block as
    /// written.
    @Test(arguments: [FileFault.fail(errno: EIO), .fail(errno: ENOSPC), .shortWrite(bytes: 1)])
    func faultAtEveryCall(_ fault: FileFault) throws {
        let scratch = CrashScratch("kv-disk-fault")
        var count = 0
        do {
            let root = scratch.directory("count")
            try FileManager.default.createDirectory(atPath: root + "/kv", withIntermediateDirectories: true)
            let recorder = try FileSystemRecorder(root: root)
            try DiskStorageCrashStateTests.workload(root + "/kv", recorder: recorder, journal: DiskStorageCrashStateTests.Journal())
            recorder.stop()
            count = recorder.operationsSeen
        }
        var failures: [String] = []
        var injected = 0
        for index in 0..<count {
            let root = scratch.directory("run")
            defer { scratch.remove(root) }
            try FileManager.default.createDirectory(atPath: root + "/kv", withIntermediateDirectories: true)
            let recorder = try FileSystemRecorder(root: root)
            recorder.inject(fault, atOperation: index)
            let journal = DiskStorageCrashStateTests.Journal()
            var thrown: (any Error)?
            do { try DiskStorageCrashStateTests.workload(root + "/kv", recorder: recorder, journal: journal) } catch { thrown = error }
            recorder.stop()
            guard recorder.faultInjected else { continue }
            injected += 1
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/kv")
            switch thrown {
            case nil:
                for problem in try Self.unwritten(journal, directory: root + "/kv") { failures.append("\(fault) at call \(index): \(problem)") }
            case let error as StorageError:
                if case .shortWrite = fault { failures.append("short write at call \(index): the workload failed: \(error)") }
                if journal.path.isEmpty, !leftovers.isEmpty { failures.append("call \(index): a failed creation left \(leftovers)") }
                if case .fail(let code) = fault, case .operationFailed(_, _, let errno) = error, errno != code {
                    failures.append("call \(index): errno \(errno) reported for \(code)")
                }
            case let error?:
                failures.append("call \(index): untyped error \(type(of: error)): \(error)")
            }
        }
        print("kv-disk fault injection \(fault): \(count) calls, \(injected) faults injected, \(failures.count) failures")
        #expect(injected > count / 2)
        #expect(failures.isEmpty, "\(failures.prefix(3).joined(separator: "\n"))")
    }

    /// The blocks of a finished workload's file that do not hold their last write.
    static func unwritten(_ journal: DiskStorageCrashStateTests.Journal, directory: String) throws -> [String] {
        let path = directory + "/" + URL(fileURLWithPath: journal.path).lastPathComponent
        let remote = try RemoteDiskStorage(try DiskStorageCrashStateTests.descriptor(path, storageID: journal.storageID))
        var problems: [String] = []
        for block in 0..<DiskStorageCrashStateTests.blocks {
            var bytes = [UInt8](repeating: 0, count: DiskStorageCrashStateTests.blockBytes)
            try bytes.withUnsafeMutableBytes { try remote.read(into: $0, at: block * DiskStorageCrashStateTests.blockBytes) }
            if bytes != journal.history(of: block).last!.bytes { problems.append("the workload succeeded, but block \(block) does not hold its last write") }
        }
        return problems
    }
}
