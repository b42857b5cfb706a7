#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Durability of a store's files as a whole.
enum StoreFiles {
    /// Makes every file and directory entry of the store in `path` durable: the manifest, every
    /// checkpoint and segment, the `log/` and `ckpt/` directories, the store's directory and its entry in
    /// the parent directory.
    ///
    /// A writable open calls it after recovery, before it acknowledges anything (PostgreSQL syncs its
    /// data directory after a crash the same way): the files it recovered from may hold bytes a crashed
    /// process wrote but never synced, or a creation whose directory entries never reached the disk, and
    /// a power loss must not take them away from under records acknowledged later. Syncing a file
    /// that holds nothing unsynced costs little.
    /// - Throws: ``LogError/io(operation:path:errno:)``: the open then fails, acknowledging nothing.
    static func synchronizeAll(_ path: String) throws(LogError) {
        for directory in [OpenStore.logDirectory(path), OpenStore.checkpointDirectory(path)] {
            for name in try FileSystem.list(directory) {
                try synchronizeFile(directory + "/" + name)
            }
            try FileSystem.synchronizeDirectory(directory)
        }
        try synchronizeFile(path + "/" + Manifest.fileName)
        try FileSystem.synchronizeDirectory(path)
        try FileSystem.synchronizeDirectory(parent(of: path))
    }

    /// `fsync` of one regular file (anything else in the store's folders is left alone).
    private static func synchronizeFile(_ path: String) throws(LogError) {
        guard FileSystem.kind(of: path) == (true, false) else { return }
        let file = try PosixFile.open(path, flags: O_RDONLY)
        try file.synchronize()
    }

    /// The directory holding `path` (`.` for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
