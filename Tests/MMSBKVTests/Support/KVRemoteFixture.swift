@testable import MMSBKV

/// A serialized blockset with fixed fields, for golden-byte tests.
enum SerializedBlocksetFixture {
    static func make(config: LayoutConfiguration) -> SerializedBlockset {
        SerializedBlockset(workerID: 2, descriptors: [
            BlocksetDescriptor(
                index: 0, config: config, layoutKind: .fullyContiguous, storageKind: .sharedMemory, location: "/x",
                storageID: 0x0123_4567_89AB_CDEF, generation: 1, byteCount: 4),
        ])
    }
}
