import Synchronization

/// A thread-safe source of page buffers, for code outside a ``StateBus`` (such as the KV block manager).
///
/// Each buffer is a noncopyable ``PageBuffer`` that returns its memory when it goes out of scope, so
/// a buffer can be neither freed twice nor used after it was freed.
public final class PageAllocator: Sendable {
    private let pool = Locked(PageMemoryPool())

    public init() {}

    /// Allocates a zero-filled buffer of `size` bytes, 64-byte aligned (4,096-byte aligned from 4 KiB).
    ///
    /// - Throws: ``MemoryError/invalidSize(requested:)`` unless `size` is 1 byte ... 1 GiB;
    ///   ``MemoryError/outOfMemory(bytes:errno:)`` when the system has no memory to give.
    public func allocate(size: Int) throws(MemoryError) -> PageBuffer {
        let address = try pool.withLock { pool throws(MemoryError) in UInt(bitPattern: try pool.allocate(size: size)) }
        return PageBuffer(pointer: UnsafeMutableRawPointer(bitPattern: address)!, count: size, allocator: self)
    }

    /// Exact accounting of the buffers handed out.
    public var statistics: MemoryStatistics { pool.withLock { $0.statistics } }

    fileprivate func release(_ pointer: UnsafeMutableRawPointer, size: Int) {
        // The address crosses into the lock as an integer: a raw pointer is not Sendable.
        let address = UInt(bitPattern: pointer)
        pool.withLock { $0.deallocate(UnsafeMutableRawPointer(bitPattern: address)!, size: size) }
    }
}

/// A zero-filled buffer owned by exactly one holder; its memory returns to its ``PageAllocator`` when
/// the buffer is consumed or goes out of scope.
public struct PageBuffer: ~Copyable, @unchecked Sendable {
    // Sendable is sound: the buffer is noncopyable, so exactly one owner can reach the pointer.
    private let pointer: UnsafeMutableRawPointer
    /// Bytes in the buffer.
    public let count: Int
    private let allocator: PageAllocator

    fileprivate init(pointer: UnsafeMutableRawPointer, count: Int, allocator: PageAllocator) {
        self.pointer = pointer
        self.count = count
        self.allocator = allocator
    }

    deinit { allocator.release(pointer, size: count) }

    /// Calls `body` with the buffer's bytes; the pointer must not escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Calls `body` with the buffer's mutable bytes; the pointer must not escape `body`.
    public mutating func withUnsafeMutableBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Address of the first byte, for alignment checks and diagnostics.
    public var baseAddress: UInt { UInt(bitPattern: pointer) }
}
