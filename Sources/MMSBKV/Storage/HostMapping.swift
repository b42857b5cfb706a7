#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Anonymous memory mappings for the memory storages, owned: unmapped in `deinit`.
///
/// Memory comes from `mmap` rather than `malloc` so that it arrives zero-filled and aligned (to the
/// page, or more by over-mapping and trimming), is only resident once touched, and can be locked
/// with `mlock` as a unit.
final class HostMapping: Sendable {
    /// The address of the first byte (an integer so that the class is `Sendable`).
    let address: UInt
    /// Bytes requested.
    let byteCount: Int
    /// Bytes mapped (the request rounded up to the page size).
    let mappedBytes: Int

    /// Maps `byteCount` (≥ 1) zero-filled bytes aligned to `alignment` (a power of two).
    /// The corresponding C function is `mmap`.
    init(byteCount: Int, alignment: Int) throws(StorageError) {
        guard byteCount >= 1 else { throw .invalidConfiguration("a storage needs at least 1 byte, not \(byteCount)") }
        let page = HostMapping.pageSize
        guard alignment >= 1, alignment & (alignment - 1) == 0 else {
            throw .invalidConfiguration("alignment \(alignment) is not a power of two")
        }
        let (rounded, overflow) = byteCount.addingReportingOverflow(page - 1)
        guard !overflow else { throw .allocationFailed(bytes: byteCount, errno: 0, detail: "the size overflows") }
        let length = rounded / page * page
        let extra = alignment > page ? alignment : 0
        guard length <= Int.max - extra else { throw .allocationFailed(bytes: byteCount, errno: 0, detail: "the size overflows") }
        guard let raw = mmap(nil, length + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED
        else {
            throw .allocationFailed(bytes: length + extra, errno: errno, detail: "mmap refused the mapping")
        }
        var start = UInt(bitPattern: raw)
        if extra > 0 {
            // Trim the unaligned head and the unused tail so only `length` aligned bytes stay mapped.
            let aligned = (start + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
            let head = Int(aligned - start)
            if head > 0 { munmap(raw, head) }
            let tail = extra - head
            if tail > 0, let end = UnsafeMutableRawPointer(bitPattern: aligned + UInt(length)) { munmap(end, tail) }
            start = aligned
        }
        address = start
        self.byteCount = byteCount
        mappedBytes = length
    }

    deinit {
        if let pointer = UnsafeMutableRawPointer(bitPattern: address) { munmap(pointer, mappedBytes) }
    }

    /// The first byte (never null: `mmap` does not return address 0 for anonymous mappings).
    var pointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address).unsafelyUnwrapped }

    /// Locks mapped bytes `[pointer, pointer + bytes)` in RAM; returns nil when locked, else the
    /// `errno` of the refusal (typically `ENOMEM` or `EPERM` under a low `RLIMIT_MEMLOCK`). The
    /// corresponding C function is `mlock`.
    static func pin(_ pointer: UnsafeMutableRawPointer, bytes: Int) -> Int32? {
        mlock(pointer, bytes) == 0 ? nil : errno
    }

    /// The operating system's page size.
    static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// The alignment the built-in storages give offset 0: at least a page and at least `requested`.
    ///
    /// - Throws: ``StorageError/invalidConfiguration(_:)`` unless `requested` is a power of two.
    static func storageAlignment(_ requested: Int) throws(StorageError) -> Int {
        guard requested >= 1, requested & (requested - 1) == 0 else {
            throw .invalidConfiguration("alignment \(requested) is not a power of two")
        }
        return max(requested, pageSize, 4096)
    }
}
