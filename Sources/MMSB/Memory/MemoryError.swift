/// Errors raised by the page memory layer.
public enum MemoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A buffer of `requested` bytes was asked for; sizes run from 1 byte to ``StateBus/maximumPageSize`` (1 GiB).
    case invalidSize(requested: Int)
    /// The operating system refused to map `bytes` more bytes; `errno` is the code `mmap` returned.
    case outOfMemory(bytes: Int, errno: Int32)

    public var description: String {
        switch self {
        case .invalidSize(let requested):
            return "invalid buffer size \(requested): sizes run from 1 byte to \(PageMemoryPool.maximumBufferSize) bytes (1 GiB)"
        case .outOfMemory(let bytes, let errno):
            return "the operating system refused to map \(bytes) bytes (errno \(errno)); free pages or raise the memory limit"
        }
    }
}
