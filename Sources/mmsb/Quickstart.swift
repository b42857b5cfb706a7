import MMSB

/// The original quickstart (`examples/quickstart.jl`), step by step, with a sentence per step.
enum Quickstart {
    static let message = "mmsb-delta-proof"

    static func run(printing out: inout some TextOutputStream) throws {
        let bus = StateBus()
        print("Started an in-memory state bus.", to: &out)

        let page = try bus.createPage(size: 16, metadata: ["name": Array("quickstart".utf8)])
        let created = try bus.info(page: page)
        print("Created page \(page): \(created.size) bytes on the \(created.location), all zeros, epoch \(created.epoch), metadata name=quickstart.", to: &out)

        let padded = Array(message.utf8) + [UInt8](repeating: 0, count: 16 - message.utf8.count)
        let written = try bus.write(page: page, offset: 0, bytes: Array(message.utf8.prefix(4)))
        print("Wrote \"\(String(decoding: message.utf8.prefix(4), as: UTF8.self))\" at offset 0 as delta \(written.delta); the page is now at epoch \(written.epoch).", to: &out)

        if let updated = try bus.update(page: page, to: padded) {
            print("Updated the page to \"\(message)\": only the \(12) changed bytes became delta \(updated.delta); epoch \(updated.epoch).", to: &out)
        }
        let unchanged = try bus.update(page: page, to: padded)
        print(unchanged == nil
            ? "Updated it again with the same bytes: nothing differed, so no delta was made and the epoch stayed \(try bus.info(page: page).epoch)."
            : "Unexpected: an unchanged update made a delta.", to: &out)

        let bytes = try bus.read(page: page)
        let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        print("Read page \(page) back: \"\(text)\" (\(bytes.count) bytes, epoch \(try bus.info(page: page).epoch)).", to: &out)

        let dirty = try bus.dirtyRanges(of: page)
        print("Dirty 64-byte chunks of the page: \(dirty.map { "\($0.lowerBound)..<\($0.upperBound)" }.joined(separator: ", ")).", to: &out)
        let memory = bus.memoryStatistics
        print("Memory: \(memory.liveBuffers) live page, \(memory.bytesRequested) bytes requested, \(memory.bytesReserved) reserved.", to: &out)
        try bus.deletePage(page)
        print("Deleted page \(page); its memory went back to the allocator (\(bus.memoryStatistics.liveBuffers) live pages).", to: &out)
    }
}
