#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Another worker's ``DiskStorage`` file, opened by path (buffered I/O: the owner's page cache and
/// ours are the same, so both see each other's writes).
final class RemoteDiskStorage: RemoteStorage {
    private let file: KVFile
    let byteCount: Int

    init(_ descriptor: BlocksetDescriptor) throws(RemoteBlocksetError) {
        do {
            file = try KVFile.open(descriptor.location, flags: O_RDWR)
            _ = try checkRemoteHeader(try file.read(count: 56, at: 0), of: descriptor, code: 1)
            guard try file.size() >= StorageHeader.size + Int(descriptor.byteCount) else {
                throw RemoteBlocksetError.foreignStorage(location: descriptor.location, reason: "the file is shorter than its header says")
            }
        } catch let error as StorageError {
            throw .storage(error)
        } catch let error as RemoteBlocksetError {
            throw error
        } catch {
            throw .foreignStorage(location: descriptor.location, reason: "\(error)")
        }
        byteCount = Int(descriptor.byteCount)
    }

    var kind: StorageKind { .disk }
    var alignment: Int { DiskStorage.directIOAlignment }

    func currentGeneration() throws(StorageError) -> UInt64 {
        try file.read(count: 8, at: StorageHeader.generationOffset).loadLittleEndian(UInt64.self, at: 0)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, buffer.count)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try file.read(into: base, count: buffer.count, at: StorageHeader.size + offset)
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        try checkBounds(offset, bytes.count)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try file.write(base, count: bytes.count, at: StorageHeader.size + offset)
    }

    func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        try checkBounds(offset, count)
        guard count > 0 else { return }
        let bytes = [UInt8](repeating: value, count: count)
        try file.write(bytes, at: StorageHeader.size + offset)
    }
}
