/// A storage of another worker, opened from its ``BlocksetDescriptor``: the shared-memory object
/// mapped again, or the disk file opened again. Its header tells the live generation.
protocol RemoteStorage: KVStorage {
    /// The generation in the storage's header now (0 once the owner closed it).
    func currentGeneration() throws(StorageError) -> UInt64
}

/// Checks a header read from `location` against `descriptor`.
func checkRemoteHeader(_ bytes: [UInt8], of descriptor: BlocksetDescriptor, code: UInt32) throws(RemoteBlocksetError) -> StorageHeader {
    guard let header = StorageHeader.decode(bytes) else {
        throw .foreignStorage(location: descriptor.location, reason: "it has no valid MMSBKVS1 storage header")
    }
    guard header.kindCode == code, header.storageID == descriptor.storageID else {
        throw .foreignStorage(
            location: descriptor.location,
            reason: "its storage id is \(String(header.storageID, radix: 16)), the export names \(String(descriptor.storageID, radix: 16))")
    }
    guard header.dataBytes == descriptor.byteCount else {
        throw .foreignStorage(location: descriptor.location, reason: "it holds \(header.dataBytes) data bytes, the export says \(descriptor.byteCount)")
    }
    return header
}
