import MMSB

/// The original quickstart (`examples/quickstart.jl`), step by step, with a sentence per step.
enum Quickstart {
    static let defaultPageSize = 16
    static let defaultMessage = "mmsb-delta-proof"

    /// Runs the story on a fresh bus, printing one line per step.
    ///
    /// - Throws: the bus's errors, unchanged: ``PageError`` for a bad page size, ``DeltaError`` for a
    ///   message that does not fit the page.
    static func run(pageSize: Int, message: String, printing out: inout some TextOutputStream) throws {
        let bus = StateBus()
        print("Started an in-memory state bus.", to: &out)

        let page = try bus.createPage(size: pageSize, metadata: ["name": Array("quickstart".utf8)])
        let created = try bus.info(page: page)
        print("Created page \(page): \(created.size) bytes on the \(created.location), all zeros, epoch \(created.epoch), metadata name=quickstart.", to: &out)

        let text = Array(message.utf8)
        let shouted = Array(message.uppercased().utf8)
        let written = try bus.write(page: page, offset: 0, bytes: shouted)
        print("Wrote \"\(message.uppercased())\" at offset 0 as delta \(written.delta) (\(shouted.count) bytes); the page is now at epoch \(written.epoch).", to: &out)

        let target = text + [UInt8](repeating: 0, count: max(0, pageSize - text.count))
        let changed = zip(shouted, text).filter { $0 != $1 }.count
        if let updated = try bus.update(page: page, to: target) {
            print("Updated the page to \"\(message)\": the bus compared old and new bytes and only the \(changed) that differ became delta \(updated.delta); epoch \(updated.epoch).", to: &out)
        } else {
            print("Updated the page to \"\(message)\": no byte differed, so no delta was made.", to: &out)
        }
        let epoch = try bus.info(page: page).epoch
        if try bus.update(page: page, to: target) == nil {
            print("Updated it again with the same bytes: nothing differed, so no delta was made and the epoch stayed \(epoch).", to: &out)
        }

        let bytes = try bus.read(page: page)
        let readBack = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        print("Read page \(page) back: \"\(readBack)\" (\(bytes.count) bytes, epoch \(epoch)).", to: &out)

        let dirty = try bus.dirtyRanges(of: page).map { "\($0.lowerBound)..<\($0.upperBound)" }
        print("Dirty 64-byte chunks since creation: \(dirty.joined(separator: ", ")).", to: &out)
        let memory = bus.memoryStatistics
        print("Memory: \(memory.liveBuffers) live page, \(memory.bytesRequested) bytes requested, \(memory.bytesReserved) bytes reserved.", to: &out)
        try bus.deletePage(page)
        print("Deleted page \(page); its memory went back to the allocator (\(bus.memoryStatistics.liveBuffers) live pages). Next delta id would be \(bus.nextDeltaID).", to: &out)
    }
}
