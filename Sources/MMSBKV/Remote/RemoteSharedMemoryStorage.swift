/// Another worker's ``SharedMemoryStorage``, mapped by name.
final class RemoteSharedMemoryStorage: RemoteStorage, HostMemoryStorage {
    private let mapping: SharedMapping
    let byteCount: Int

    init(_ descriptor: BlocksetDescriptor) throws(RemoteBlocksetError) {
        do { mapping = try SharedMapping.open(name: descriptor.location) } catch { throw .storage(error) }
        guard mapping.mappedBytes >= StorageHeader.size else {
            throw .foreignStorage(location: descriptor.location, reason: "it is only \(mapping.mappedBytes) bytes long")
        }
        _ = try checkRemoteHeader(mapping.headerBytes, of: descriptor, code: 2)
        guard mapping.mappedBytes - StorageHeader.size >= Int(descriptor.byteCount) else {
            throw .foreignStorage(location: descriptor.location, reason: "it is shorter than its header says")
        }
        byteCount = Int(descriptor.byteCount)
    }

    var kind: StorageKind { .sharedMemory }
    var alignment: Int { StorageHeader.size }
    var baseAddress: UnsafeMutableRawPointer { mapping.pointer + StorageHeader.size }
    func currentGeneration() throws(StorageError) -> UInt64 { mapping.generation }
}
