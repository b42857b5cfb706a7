#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over anonymous `mmap` / `munmap`.
///
/// Page memory comes straight from the kernel rather than from `malloc`: it arrives zero-filled and
/// page-aligned, it is only resident once touched, and unmapping returns it to the system at once,
/// without the heap fragmentation that large `malloc` blocks leave behind.
enum SystemMemory {
    /// The size of an operating-system page.
    static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `bytes` of zero-filled, private, anonymous memory aligned to `alignment`.
    ///
    /// `alignment` must be a power of two; alignments above the OS page size are obtained by
    /// over-mapping and trimming the excess. The corresponding C function is `mmap`.
    static func map(bytes: Int, alignment: Int) throws(MemoryError) -> UnsafeMutableRawPointer {
        let length = roundUp(bytes, to: pageSize)
        let extra = alignment > pageSize ? alignment : 0
        guard let raw = mmap(nil, length + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED
        else {
            throw .outOfMemory(bytes: length + extra, errno: errno)
        }
        guard extra > 0 else { return raw }
        // Trim the unaligned head and the unused tail so only `length` aligned bytes stay mapped.
        let address = UInt(bitPattern: raw)
        let aligned = (address + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        let head = Int(aligned - address)
        if head > 0 { munmap(raw, head) }
        let tail = extra - head
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(length)), tail) }
        return UnsafeMutableRawPointer(bitPattern: aligned)!
    }

    /// Returns a mapping made by ``map(bytes:alignment:)`` to the system.
    ///
    /// The corresponding C function is `munmap`.
    static func unmap(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        munmap(pointer, roundUp(bytes, to: pageSize))
    }

    @inline(__always)
    static func roundUp(_ value: Int, to multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }
}
