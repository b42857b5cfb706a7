#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A store's files as they were at one moment, held open: the manifest, its checkpoint and the live
/// segments, each mapped at the size it had.
///
/// Readers that look at a store beside its writer (`verify`, `inspect`, `log`, time travel) work on
/// one snapshot, so that everything they compute describes the same log: the writer may append,
/// rotate, checkpoint and delete files meanwhile, but a file removed after the snapshot was taken
/// stays readable through its mapping, and bytes appended later are not seen.
final class StoreSnapshot {
    /// One file of the snapshot, mapped read-only.
    final class PinnedFile {
        let name: String
        let path: String
        private let mapping: MappedFile
        var bytes: UnsafeRawBufferPointer { mapping.bytes }

        init(name: String, path: String, file: consuming PosixFile) throws(LogError) {
            self.name = name
            self.path = path
            mapping = try MappedFile(file)
            file.close()
        }
    }

    let path: String
    let manifest: Manifest
    /// The checkpoint the manifest names, if any.
    let checkpoint: PinnedFile?
    /// The live segments (base LSN at or above the manifest's first live LSN), in LSN order.
    let segments: [PinnedFile]
    /// Whether a writer held the store's lock when the snapshot was taken: the last record of the last
    /// segment may then still have been being written.
    let writerActive: Bool

    private init(path: String, manifest: Manifest, checkpoint: PinnedFile?, segments: [PinnedFile], writerActive: Bool) {
        self.path = path
        self.manifest = manifest
        self.checkpoint = checkpoint
        self.segments = segments
        self.writerActive = writerActive
    }

    /// Takes a snapshot of the store in `path` (an existing store directory).
    ///
    /// The manifest is read before and after the files are opened; if it changed, or a file it named was
    /// removed in between (a checkpoint finished meanwhile), the snapshot is taken again.
    /// - Throws: ``LogError`` for an unreadable manifest or file; ``LogError/io(operation:path:errno:)``
    ///   with `EAGAIN` if the writer checkpointed during 100 attempts in a row.
    static func take(of path: String) throws(LogError) -> StoreSnapshot {
        var attempts = 0
        while true {
            attempts += 1
            let manifest = try Manifest.read(directory: path)
            do {
                let checkpoint: PinnedFile?
                if manifest.checkpointLSN > 0 {
                    let name = CheckpointFile.name(manifest.checkpointLSN)
                    let file = OpenStore.checkpointDirectory(path) + "/" + name
                    checkpoint = try PinnedFile(name: name, path: file, file: try PosixFile.open(file, flags: O_RDONLY))
                } else {
                    checkpoint = nil
                }
                let directory = OpenStore.logDirectory(path)
                var segments: [PinnedFile] = []
                for name in try FileSystem.list(directory) {
                    guard let base = LogWriter.segmentLSN(fromName: name), base >= manifest.firstLiveSegmentLSN else { continue }
                    let file = directory + "/" + name
                    segments.append(try PinnedFile(name: name, path: file, file: try PosixFile.open(file, flags: O_RDONLY)))
                }
                let writerActive = isLocked(path)
                if try Manifest.read(directory: path) == manifest {
                    return StoreSnapshot(path: path, manifest: manifest, checkpoint: checkpoint, segments: segments, writerActive: writerActive)
                }
            } catch {
                guard case .io(_, _, ENOENT) = error, attempts < 100 else { throw error }
            }
            guard attempts < 100 else { throw .io(operation: "snapshot", path: path, errno: EAGAIN) }
        }
    }

    /// Whether a process holds the store's lock (tested with a shared lock taken and released at once).
    private static func isLocked(_ path: String) -> Bool {
        guard let lock = try? PosixFile.open(path + "/" + OpenStore.lockName, flags: O_RDONLY) else { return false }
        if flock(lock.descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(lock.descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
