/// Where a page's bytes live.
///
/// Until a device backend exists, only ``cpu`` pages are real. A bus refuses ``gpu`` and ``unified``
/// pages by default (``PageError/locationUnavailable(_:)``); with
/// ``DeviceMemoryPolicy/emulateInHostMemory`` it keeps their bytes in host memory and reports the
/// location as asked, so stores and files that name those locations stay readable.
public enum PageLocation: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case cpu = 0
    case gpu = 1
    case unified = 2

    /// The location for the original's `i32` tag (0 cpu, 1 gpu, 2 unified).
    ///
    /// - Throws: ``PageError/invalidLocationTag(_:)`` for any other tag (the original silently fell back to cpu).
    public init(tag: Int32) throws(PageError) {
        guard tag >= 0, tag <= 2, let location = PageLocation(rawValue: UInt8(tag)) else {
            throw .invalidLocationTag(tag)
        }
        self = location
    }

    /// The original's `i32` tag.
    public var tag: Int32 { Int32(rawValue) }

    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .gpu: "gpu"
        case .unified: "unified"
        }
    }
}

/// What a bus does with pages asked for on ``PageLocation/gpu`` or ``PageLocation/unified`` while no
/// device backend is present.
public enum DeviceMemoryPolicy: Sendable, Equatable {
    /// Refuse them with ``PageError/locationUnavailable(_:)`` (the default).
    case refuse
    /// Keep their bytes in host memory, flagged with the location asked for.
    case emulateInHostMemory
}
