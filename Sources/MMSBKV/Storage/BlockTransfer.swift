/// Moving a block's bytes between two block sets, with the transfer each pair of storages calls for.
enum BlockTransfer {
    /// The largest bounce buffer used between two storages neither of which is host memory.
    static let bounceChunk = 8 << 20

    /// Copies block `sourceBlock` of `source` to block `destinationBlock` of `destination`.
    static func copy(from source: BlockSet, block sourceBlock: Int, to destination: BlockSet, block destinationBlock: Int) throws(BlockDataError) {
        let from = source.storage
        let to = destination.storage
        if let host = source.hostStorage {
            // Host → anything: the destination's own write (memcpy, pwrite, host-to-device).
            let base = host.baseAddress
            try source.layout.forEachCopyRun(block: sourceBlock, to: destination.layout, block: destinationBlock) {
                (sourceOffset, destinationOffset, count) throws(BlockDataError) in
                do throws(StorageError) { try to.write(UnsafeRawBufferPointer(start: base + sourceOffset, count: count), at: destinationOffset) } catch {
                    throw .storage(error)
                }
            }
        } else if let host = destination.hostStorage {
            // Anything → host: the source's own read (pread, device-to-host).
            let base = host.baseAddress
            try source.layout.forEachCopyRun(block: sourceBlock, to: destination.layout, block: destinationBlock) {
                (sourceOffset, destinationOffset, count) throws(BlockDataError) in
                do throws(StorageError) { try from.read(into: UnsafeMutableRawBufferPointer(start: base + destinationOffset, count: count), at: sourceOffset) } catch {
                    throw .storage(error)
                }
            }
        } else if let device = to as? any DeviceStorage, let sourceDevice = from as? any DeviceStorage,
                  type(of: device) == type(of: sourceDevice) {
            try source.layout.forEachCopyRun(block: sourceBlock, to: destination.layout, block: destinationBlock) {
                (sourceOffset, destinationOffset, count) throws(BlockDataError) in
                do throws(StorageError) { try device.copy(from: sourceDevice, at: sourceOffset, count: count, to: destinationOffset) } catch {
                    throw .storage(error)
                }
            }
        } else {
            try bounce(from: source, block: sourceBlock, to: destination, block: destinationBlock)
        }
    }

    /// Disk ↔ device, disk ↔ disk, null ↔ anything: through an aligned host buffer.
    private static func bounce(from source: BlockSet, block sourceBlock: Int, to destination: BlockSet, block destinationBlock: Int) throws(BlockDataError) {
        let from = source.storage
        let to = destination.storage
        let size = min(bounceChunk, source.layout.blockDataSize)
        let buffer: HostMapping
        do { buffer = try HostMapping(byteCount: max(1, size), alignment: DiskStorage.directIOAlignment) } catch { throw .storage(error) }
        try source.layout.forEachCopyRun(block: sourceBlock, to: destination.layout, block: destinationBlock) {
            (sourceOffset, destinationOffset, count) throws(BlockDataError) in
            var done = 0
            while done < count {
                let part = min(size, count - done)
                do throws(StorageError) {
                    try from.read(into: UnsafeMutableRawBufferPointer(start: buffer.pointer, count: part), at: sourceOffset + done)
                    try to.write(UnsafeRawBufferPointer(start: buffer.pointer, count: part), at: destinationOffset + done)
                } catch {
                    throw .storage(error)
                }
                done += part
            }
        }
    }
}
