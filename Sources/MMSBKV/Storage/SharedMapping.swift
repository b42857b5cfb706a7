#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `MAP_SHARED` mapping of a whole named POSIX shared-memory object, owned: unmapped in `deinit`.
/// Both the storage that creates the object and a remote importer that opens it by name use one.
final class SharedMapping: Sendable {
    /// The object's name (`/mmsb-kv-…`).
    let name: String
    /// The first byte of the mapping (the header), as an integer so that the class is `Sendable`.
    let address: UInt
    /// Bytes mapped (header included).
    let mappedBytes: Int

    /// Creates the object `name` with `bytes` bytes (zero-filled) and maps it.
    /// The corresponding C functions are `shm_open`, `ftruncate` and `mmap`.
    static func create(name: String, bytes: Int) throws(StorageError) -> SharedMapping {
        let descriptor = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .operationFailed(operation: "shm_open", path: name, errno: errno) }
        defer { close(descriptor) }
        while ftruncate(descriptor, off_t(bytes)) != 0 {
            if errno != EINTR {
                let code = errno
                shm_unlink(name)
                throw .allocationFailed(bytes: bytes, errno: code, detail: "ftruncate of shared memory object \(name) failed")
            }
        }
        do {
            return try SharedMapping(name: name, descriptor: descriptor, bytes: bytes)
        } catch {
            shm_unlink(name)
            throw error
        }
    }

    /// Opens and maps the existing object `name`, whatever its size.
    static func open(name: String) throws(StorageError) -> SharedMapping {
        let descriptor = shm_open(name, O_RDWR | O_CLOEXEC, 0)
        guard descriptor >= 0 else { throw .operationFailed(operation: "shm_open", path: name, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .operationFailed(operation: "fstat", path: name, errno: errno) }
        return try SharedMapping(name: name, descriptor: descriptor, bytes: Int(status.st_size))
    }

    private init(name: String, descriptor: Int32, bytes: Int) throws(StorageError) {
        guard bytes > 0 else { throw .invalidConfiguration("shared memory object \(name) is empty") }
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), raw != MAP_FAILED else {
            throw .operationFailed(operation: "mmap", path: name, errno: errno)
        }
        self.name = name
        address = UInt(bitPattern: raw)
        mappedBytes = bytes
    }

    deinit {
        if let pointer = UnsafeMutableRawPointer(bitPattern: address) { munmap(pointer, mappedBytes) }
    }

    /// The first byte of the mapping.
    var pointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address).unsafelyUnwrapped }

    /// The header's bytes.
    var headerBytes: [UInt8] {
        Array(UnsafeRawBufferPointer(start: pointer, count: min(mappedBytes, 64)))
    }

    /// The generation in the header. An aligned 8-byte load, which is single-copy atomic on the
    /// 64-bit machines we run on, so a concurrent update by the owner is seen whole or not at all.
    var generation: UInt64 {
        get { UInt64(littleEndian: pointer.load(fromByteOffset: StorageHeader.generationOffset, as: UInt64.self)) }
    }

    /// Stores a new generation in the header (an aligned 8-byte store).
    func setGeneration(_ value: UInt64) {
        pointer.storeBytes(of: value.littleEndian, toByteOffset: StorageHeader.generationOffset, as: UInt64.self)
    }
}
