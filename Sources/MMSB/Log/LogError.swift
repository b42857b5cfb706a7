/// Errors of the durable store: its directory, files, records and the storage under them.
///
/// Every case that concerns bytes on disk names the file and the byte offset, so a user can look.
public enum LogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The directory does not exist and the options did not ask to create it.
    case storeNotFound(path: String)
    /// `path` holds no store: it is a file, an empty directory (for a call that does not create one),
    /// or a directory of other files without a manifest.
    case notAStore(path: String, found: NotAStore)
    /// A file's magic bytes are not the ones its kind must start with.
    case badMagic(file: String, offset: Int)
    /// The file was written by a newer format version than this build reads.
    case unsupportedVersion(file: String, major: UInt16, minor: UInt16)
    /// The file belongs to another store.
    case foreignFile(file: String)
    /// Bytes that fail their checksum, cannot be decoded, or contradict the state they apply to.
    case corrupt(file: String, offset: Int, reason: String)
    /// A log segment is missing from the chain: records `expectedLSN` onwards cannot be found.
    case missingSegment(expectedLSN: UInt64, file: String)
    /// Another process holds the store open for writing; `path` is the store's lock file.
    case locked(path: String)
    /// A system call failed; `errno` is its error number. Nothing was acknowledged that is not durable.
    case io(operation: String, path: String, errno: Int32)
    /// A previous write or sync failed, so this store accepts no more writes or reads until reopened.
    case poisoned(cause: String)
    /// The bus (and its store, if it has one) was closed: ``StateBus/close()`` was called.
    case closed
    /// The state asked for lies before the oldest state the store can rebuild: its log before
    /// `earliest` was deleted by a checkpoint (open with keepHistory to keep it).
    case historyUnavailable(target: String, earliest: LSN)
    /// The target lies beyond the end of the log.
    case targetBeyondLog(target: String, last: String)
    /// A record larger than the format allows.
    case recordTooLarge(bytes: Int, limit: Int)
    /// A counter the log stores (the LSN, the delta id) reached the largest value the format holds:
    /// nothing more can be logged. Nothing of the refused change was applied.
    case counterExhausted(counter: String, limit: UInt64)

    public var description: String {
        switch self {
        case .storeNotFound(let path):
            return "no store at \(path): the directory does not exist (open with createIfMissing: true to make one)"
        case .notAStore(let path, .file):
            return "\(path) is a file, not an MMSB store (a store is a directory)"
        case .notAStore(let path, .emptyDirectory):
            return "\(path) is an empty directory, not an MMSB store yet (opening it for writing creates one)"
        case .notAStore(let path, .otherFiles):
            return "\(path) is not an MMSB store: it holds other files and no MANIFEST"
        case .badMagic(let file, let offset):
            return "\(file) is not an MMSB file of the expected kind: wrong magic bytes at offset \(offset)"
        case .unsupportedVersion(let file, let major, let minor):
            return "\(file) was written by format \(major).\(minor), newer than this build reads (\(StoreFormat.major).\(StoreFormat.minor)); upgrade MMSB"
        case .foreignFile(let file):
            return "\(file) belongs to another store (its store id differs from the manifest's)"
        case .corrupt(let file, let offset, let reason):
            return "corrupt data in \(file) at offset \(offset): \(reason)"
        case .missingSegment(let lsn, let file):
            return "log segment missing: no segment holds record \(lsn) (expected \(file))"
        case .locked(let path):
            // `path` is the store's LOCK file: name the store, which is what the caller opened.
            let store = path.hasSuffix("/LOCK") ? String(path.dropLast(5)) : path
            return "\(store) is open for writing by another process (it holds \(path)); read-only opens work beside it, "
                + "changes must wait until it closes the store"
        case .io(let operation, let path, let errno):
            return "\(operation) failed for \(path): \(SystemErrorText.describe(errno: errno))"
        case .poisoned(let cause):
            return "the store stopped accepting writes after a storage failure (\(cause)); reopen it to recover"
        case .closed:
            return "the bus is closed: close() was called, so it accepts no more changes (open the store again to change it)"
        case .historyUnavailable(let target, let earliest):
            return "cannot rebuild the state at \(target): the store keeps history only from LSN \(earliest) on "
                + "(its older log was removed by a checkpoint; open with keepHistory to keep it)"
        case .targetBeyondLog(let target, let last):
            return "\(target) lies beyond the end of the log (\(last))"
        case .recordTooLarge(let bytes, let limit):
            return "a log record of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .counterExhausted(let counter, let limit):
            return "the store's \(counter) counter reached its limit of \(limit): no more changes can be logged"
        }
    }
}

/// The format version this build writes and the newest it reads.
public enum StoreFormat {
    public static let major: UInt16 = 1
    public static let minor: UInt16 = 1
}

extension LogError {
    /// What a path that holds no store holds instead.
    public enum NotAStore: Sendable, Equatable {
        /// A regular file (or anything that is not a directory).
        case file
        /// A directory with nothing in it (a writable open makes a store there; reads refuse it).
        case emptyDirectory
        /// A directory of other files and no manifest (never turned into a store, so nothing is lost).
        case otherFiles
    }
}
