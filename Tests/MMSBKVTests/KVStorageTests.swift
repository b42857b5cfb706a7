import Foundation
@_spi(BlockAccess) import MMSBKV
import MMSB
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct KVStorageTests {
    @Test func systemStorageIsZeroedAlignedAndBoundsChecked() throws {
        let storage = try SystemStorage(byteCount: 10_000, alignment: 64)
        #expect(storage.kind == .system && storage.byteCount == 10_000 && storage.alignment >= 4096)
        #expect(Int(bitPattern: storage.baseAddress) % 4096 == 0)
        var bytes = [UInt8](repeating: 1, count: 16)
        try bytes.withUnsafeMutableBytes { try storage.read(into: $0, at: 9_984) }
        #expect(bytes.allSatisfy { $0 == 0 })
        try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try storage.write($0, at: 5) }
        try storage.fill(9, at: 8, count: 2)
        try bytes.withUnsafeMutableBytes { try storage.read(into: $0, at: 0) }
        #expect(Array(bytes[4..<11]) == [0, 1, 2, 3, 9, 9, 0])
        #expect(throws: StorageError.outOfBounds(offset: 9_990, count: 16, size: 10_000)) {
            try bytes.withUnsafeMutableBytes { try storage.read(into: $0, at: 9_990) }
        }
        #expect(throws: StorageError.outOfBounds(offset: -1, count: 3, size: 10_000)) {
            try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try storage.write($0, at: -1) }
        }
        #expect(throws: StorageError.outOfBounds(offset: 10_000, count: 1, size: 10_000)) { try storage.fill(0, at: 10_000, count: 1) }
        #expect(throws: StorageError.self) { try SystemStorage(byteCount: 0) }
        #expect(throws: StorageError.self) { try SystemStorage(byteCount: 10, alignment: 3) }
    }

    @Test func hugeAllocationFailsWithATypedError() {
        #expect {
            try SystemStorage(byteCount: Int.max / 2)
        } throws: { error in
            guard case .allocationFailed(_, let code, _) = error as? StorageError else { return false }
            return code == ENOMEM
        }
    }

    @Test func pinnedStorageSaysWhetherItIsPinned() throws {
        let storage = try PinnedStorage(byteCount: 1 << 16)
        #expect(storage.kind == .pinned)
        #expect(storage.isPinned == (storage.pinError == nil))
        try storage.fill(3, at: 0, count: 1 << 16)
        var byte: UInt8 = 0
        try withUnsafeMutableBytes(of: &byte) { try storage.read(into: $0, at: 65_535) }
        #expect(byte == 3)
    }

    @Test func nullStorageHasNoBytes() throws {
        let storage = try NullStorage(byteCount: 1 << 40)
        try ([1, 2] as [UInt8]).withUnsafeBytes { try storage.write($0, at: 100) }
        var bytes: [UInt8] = [7, 7]
        try bytes.withUnsafeMutableBytes { try storage.read(into: $0, at: 100) }
        #expect(bytes == [0, 0])
        #expect(throws: StorageError.outOfBounds(offset: 1 << 40, count: 2, size: 1 << 40)) {
            try ([1, 2] as [UInt8]).withUnsafeBytes { try storage.write($0, at: 1 << 40) }
        }
        #expect(throws: StorageError.self) { try NullStorage(byteCount: -1) }
    }

    @Test func simulatedDeviceIsReachedOnlyByCopies() throws {
        let device = try SimulatedDeviceStorage(byteCount: 8192, ordinal: 3)
        #expect(device.kind == .device(ordinal: 3) && device.isSimulated && device.ordinal == 3)
        #expect((device as any KVStorage) as? any HostMemoryStorage == nil)
        try [UInt8](repeating: 4, count: 100).withUnsafeBytes { try device.write($0, at: 10) }
        try device.copy(from: device, at: 10, count: 100, to: 4000)
        var back = [UInt8](repeating: 0, count: 100)
        try back.withUnsafeMutableBytes { try device.read(into: $0, at: 4000) }
        #expect(back.allSatisfy { $0 == 4 })
        let copied = device.bytesCopied
        #expect(copied.toDevice == 100 && copied.toHost == 100 && copied.withinDevice == 100)
        #expect(throws: StorageError.outOfBounds(offset: 8100, count: 100, size: 8192)) {
            try device.copy(from: device, at: 0, count: 100, to: 8100)
        }
    }

    @Test func diskStoragePreallocatesAndRoundTrips() throws {
        let directory = try KVTemporaryDirectory("disk")
        let storage = try DiskStorage(directory: directory.path, byteCount: 3 * 4096 + 100)
        #expect(storage.kind == .disk && storage.alignment == 4096)
        #expect(storage.path.hasPrefix(directory.path + "/mmsb-kv-"))
        let size = try FileManager.default.attributesOfItem(atPath: storage.path)[.size] as? Int
        #expect(size == 4096 + 4 * 4096)
        // Unaligned and aligned transfers both work (buffered and, where supported, direct).
        let pattern = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try pattern.withUnsafeBytes { try storage.write($0, at: 3) }
        var back = [UInt8](repeating: 0, count: 5000)
        try back.withUnsafeMutableBytes { try storage.read(into: $0, at: 3) }
        #expect(back == pattern)
        let page = try SystemStorage(byteCount: 8192)
        try page.fill(0x5A, at: 0, count: 8192)
        try storage.write(UnsafeRawBufferPointer(start: page.baseAddress, count: 8192), at: 4096)
        try page.fill(0, at: 0, count: 8192)
        try storage.read(into: UnsafeMutableRawBufferPointer(start: page.baseAddress, count: 8192), at: 4096)
        #expect(UnsafeRawBufferPointer(start: page.baseAddress, count: 8192).allSatisfy { $0 == 0x5A })
        try storage.fill(1, at: 12_288, count: 100)
        try back.withUnsafeMutableBytes { try storage.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<100]), at: 12_288) }
        #expect(back[0..<100].allSatisfy { $0 == 1 })
        try storage.synchronize()
        #expect(throws: StorageError.outOfBounds(offset: 12_300, count: 5000, size: 12_388)) {
            try back.withUnsafeMutableBytes { try storage.read(into: $0, at: 12_300) }
        }
        // The header names the storage and starts at generation 1.
        #expect(try storage.generation() == 1)
        #expect(try storage.advanceGeneration() == 2)
        #expect(try storage.generation() == 2)
    }

    @Test func diskStorageDetectsDirectIOAndHonoursDisabled() throws {
        let directory = try KVTemporaryDirectory("direct")
        let buffered = try DiskStorage(directory: directory.path, byteCount: 8192, options: .init(directIO: .disabled))
        #expect(!buffered.usesDirectIO)
        let automatic = try DiskStorage(directory: directory.path, byteCount: 8192)
        // Whatever was detected, `required` agrees with it: it succeeds exactly when automatic found direct I/O.
        let required = Result { try DiskStorage(directory: directory.path, byteCount: 8192, options: .init(directIO: .required)) }
        switch required {
        case .success(let storage): #expect(automatic.usesDirectIO && storage.usesDirectIO)
        case .failure(let error): #expect(!automatic.usesDirectIO && (error as? StorageError).map { "\($0)" }?.contains("O_DIRECT") == true)
        }
    }

    @Test func diskFileIsRemovedOnCloseUnlessKept() throws {
        let directory = try KVTemporaryDirectory("close")
        var path = ""
        do {
            let storage = try DiskStorage(directory: directory.path, byteCount: 4096)
            path = storage.path
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        do {
            let storage = try DiskStorage(directory: directory.path, byteCount: 4096, options: .init(removeFileOnClose: false))
            path = storage.path
        }
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func diskErrorsCarryTheCallThePathAndErrno() {
        #expect(throws: StorageError.operationFailed(operation: "open", path: "/nonexistent-mmsb-dir/x", errno: ENOENT)) {
            do { _ = try DiskStorage(directory: "/nonexistent-mmsb-dir", byteCount: 4096) } catch {
                // The file name is random; compare the parts that matter.
                if case .operationFailed(let operation, let path, let code) = error as? StorageError, path?.hasPrefix("/nonexistent-mmsb-dir/") == true {
                    throw StorageError.operationFailed(operation: operation, path: "/nonexistent-mmsb-dir/x", errno: code)
                }
                throw error
            }
        }
        let text = StorageError.operationFailed(operation: "pwrite", path: "/d/f", errno: ENOSPC).description
        #expect(text.contains("pwrite failed on /d/f") && text.contains("errno \(ENOSPC)"))
    }

    @Test func aDiskThatCannotHoldTheStorageFailsAndLeavesNoFile() throws {
        let directory = try KVTemporaryDirectory("full")
        // 1 PiB is more than this file system can reserve (EFBIG or ENOSPC).
        #expect {
            try DiskStorage(directory: directory.path, byteCount: 1 << 50)
        } throws: { error in
            guard case .operationFailed(let operation, let path, let code) = error as? StorageError else { return false }
            return (operation == "posix_fallocate" || operation == "ftruncate") && path?.hasPrefix(directory.path) == true
                && (code == EFBIG || code == ENOSPC) && "\(error)".contains("errno")
        }
        #expect(try directory.contents().isEmpty)
    }

    @Test func sharedMemoryStorageIsNamedAndUnlinkedOnClose() throws {
        var name = ""
        do {
            let storage = try SharedMemoryStorage(byteCount: 10_000)
            name = storage.name
            #expect(storage.kind == .sharedMemory && storage.generation == 1)
            #expect(Int(bitPattern: storage.baseAddress) % 4096 == 0)
            #expect(FileManager.default.fileExists(atPath: "/dev/shm" + name))
            try storage.fill(2, at: 0, count: 10_000)
            #expect(storage.advanceGeneration() == 2)
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/shm" + name))
        let pinned = try SharedMemoryStorage(byteCount: 8192, pinned: true)
        #expect(pinned.isPinned == (pinned.pinError == nil))
        #expect(try SharedMemoryStorage(byteCount: 8192).isPinned == false)
        #expect(throws: StorageError.self) { try SharedMemoryStorage(byteCount: 8192, alignment: 8192) }
    }
}
