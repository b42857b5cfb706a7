import Foundation

/// Turns a recorded trace into the states a power loss can leave, in the manner of ALICE and
/// CrashMonkey.
///
/// The persistence model is deliberately weak (POSIX, not any one file system): a file's data and
/// size are durable only after an `fsync`/`fdatasync` of it; a directory entry (a creation, rename,
/// removal, `mkdir`) only after an `fsync` of its directory. At a crash every write or truncation
/// not yet synced may be kept, dropped, kept in part (torn at 512- or 4,096-byte sectors), kept in
/// another order than it was made, or replaced by zeros over the size it gave the file (metadata
/// journalled, data not: ext4 `data=writeback`, XFS); every directory operation not yet synced may
/// be lost, alone or with the ones after it.
public struct CrashStateGenerator {
    public let recorder: FileSystemRecorder
    public let operations: [TracedOperation]

    public init(_ recorder: FileSystemRecorder) {
        self.recorder = recorder
        operations = recorder.operations
    }

    /// One state: the files after a crash that happened once `point` operations had been made.
    public struct State {
        public var point: Int
        public var image: FileSystemImage
        /// How the state was made (for failure messages).
        public var how: String
    }

    /// How many states to make.
    public enum Coverage: Sendable {
        /// Every variant at every crash point.
        case exhaustive
        /// At most this many states in all, chosen with a fixed seed, always keeping the two
        /// extremes (all kept, all lost) of every point.
        case sample(Int)

        /// `exhaustive` when the environment variable `MMSB_CRASH_STATES` is `exhaustive`, else a
        /// sample of `ciStates`.
        public static func fromEnvironment(ciStates: Int) -> Coverage {
            let value = ProcessInfo.processInfo.environment["MMSB_CRASH_STATES"] ?? ""
            if value == "exhaustive" { return .exhaustive }
            if let count = Int(value), count > 0 { return .sample(count) }
            return .sample(ciStates)
        }
    }

    /// Calls `check` with every distinct state (by content) of every crash point, and returns how many
    /// were checked.
    @discardableResult
    public func forEachState(_ coverage: Coverage, _ check: (State) throws -> Void) rethrows -> Int {
        var model = Model(recorder)
        var seen: Set<Int> = []
        var candidates: [(State, essential: Bool)] = []
        for point in 0...operations.count {
            if point > 0 { model.apply(operations[point - 1]) }
            for (image, how, essential) in model.crashImages() {
                var hasher = Hasher()
                hasher.combine(image)
                guard seen.insert(hasher.finalize()).inserted else { continue }
                candidates.append((State(point: point, image: image, how: how), essential))
            }
        }
        var chosen = candidates
        if case .sample(let limit) = coverage, candidates.count > limit {
            let essential = candidates.filter(\.essential)
            var others = candidates.filter { !$0.essential }
            var random = SplitMix(seed: 0xC7A5_4000 ^ UInt64(operations.count))
            others.shuffle(using: &random)
            chosen = essential + others.prefix(max(0, limit - essential.count))
            chosen.sort { $0.0.point < $1.0.point }
        }
        for (state, _) in chosen { try check(state) }
        return chosen.count
    }
}

/// A small deterministic generator for sampling.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The file system as the model sees it while it replays a trace: what is durable and what is not.
private struct Model {
    enum Entry: Hashable { case file(Int), directory }
    enum Change { case write(offset: Int, bytes: [UInt8]), truncate(Int), extend(Int) }
    struct NameOperation {
        /// The directory whose `fsync` makes it durable.
        var directory: String
        var apply: (inout [String: Entry]) -> Void
        var text: String
    }
    struct File {
        var durable: [UInt8] = []
        var pending: [Change] = []
        var current: [UInt8] = []
    }

    var durableNames: [String: Entry] = [:]
    var currentNames: [String: Entry] = [:]
    var pendingNames: [NameOperation] = []
    var files: [Int: File] = [:]

    init(_ recorder: FileSystemRecorder) {
        for directory in recorder.initialImage.directories { durableNames[directory] = .directory }
        for (path, bytes) in recorder.initialImage.files {
            let id = recorder.initialFiles[path]!
            durableNames[path] = .file(id)
            files[id] = File(durable: bytes, pending: [], current: bytes)
        }
        currentNames = durableNames
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    mutating func apply(_ operation: TracedOperation) {
        switch operation {
        case .makeDirectory(let path):
            name(Self.parent(path), "mkdir \(path)") { $0[path] = .directory }
        case .create(let path, let file):
            files[file] = File()
            name(Self.parent(path), "create \(path)") { $0[path] = .file(file) }
        case .write(let file, let offset, let bytes):
            change(file, .write(offset: offset, bytes: bytes))
        case .truncate(let file, let length):
            change(file, .truncate(length))
        case .extend(let file, let length):
            change(file, .extend(length))
        case .sync(let file):
            guard var state = files[file] else { return }
            state.durable = state.current
            state.pending = []
            files[file] = state
        case .syncDirectory(let directory):
            for operation in pendingNames where operation.directory == directory { operation.apply(&durableNames) }
            pendingNames.removeAll { $0.directory == directory }
        case .rename(let from, let to):
            name(Self.parent(to), "rename \(from) -> \(to)") { names in
                guard let entry = names[from] else { return }
                names[to] = entry
                names[from] = nil
            }
        case .remove(let path):
            name(Self.parent(path), "unlink \(path)") { $0[path] = nil }
        }
    }

    private mutating func name(_ directory: String, _ text: String, _ apply: @escaping (inout [String: Entry]) -> Void) {
        apply(&currentNames)
        pendingNames.append(NameOperation(directory: directory, apply: apply, text: text))
    }

    private mutating func change(_ file: Int, _ change: Change) {
        guard var state = files[file] else { return }
        Self.apply(change, to: &state.current)
        state.pending.append(change)
        files[file] = state
    }

    static func apply(_ change: Change, to bytes: inout [UInt8]) {
        switch change {
        case .write(let offset, let data):
            if bytes.count < offset + data.count { bytes.append(contentsOf: repeatElement(0, count: offset + data.count - bytes.count)) }
            bytes.replaceSubrange(offset..<(offset + data.count), with: data)
        case .truncate(let length):
            if length < bytes.count { bytes.removeLast(bytes.count - length) } else { bytes.append(contentsOf: repeatElement(0, count: length - bytes.count)) }
        case .extend(let length):
            if length > bytes.count { bytes.append(contentsOf: repeatElement(0, count: length - bytes.count)) }
        }
    }

    /// How one file's unsynced changes come out of a crash.
    enum Outcome: Hashable {
        case kept, lost
        /// The first `count` changes kept, the rest lost.
        case prefix(Int)
        /// Every change kept but the one at `index`.
        case without(Int)
        /// The first `index` changes kept, then only some sectors of change `index`.
        case torn(index: Int, sector: Int, part: TornPart)
        /// The size the changes gave the file kept, their data not: zeros.
        case zeroFilled
    }

    enum TornPart: Hashable { case firstSector, allButLastSector, lastSectorOnly }

    func contents(_ file: File, _ outcome: Outcome) -> [UInt8] {
        var bytes = file.durable
        switch outcome {
        case .kept: return file.current
        case .lost: return file.durable
        case .prefix(let count):
            for change in file.pending.prefix(count) { Self.apply(change, to: &bytes) }
        case .without(let index):
            for (position, change) in file.pending.enumerated() where position != index { Self.apply(change, to: &bytes) }
        case .torn(let index, let sector, let part):
            for change in file.pending.prefix(index) { Self.apply(change, to: &bytes) }
            guard case .write(let offset, let data) = file.pending[index] else { return bytes }
            let cuts = Self.sectorCuts(offset: offset, count: data.count, sector: sector)
            let range: Range<Int> =
                switch part {
                case .firstSector: 0..<cuts[1]
                case .allButLastSector: 0..<cuts[cuts.count - 2]
                case .lastSectorOnly: cuts[cuts.count - 2]..<data.count
                }
            Self.apply(.write(offset: offset + range.lowerBound, bytes: Array(data[range])), to: &bytes)
        case .zeroFilled:
            if file.current.count > bytes.count { bytes.append(contentsOf: repeatElement(0, count: file.current.count - bytes.count)) }
        }
        return bytes
    }

    /// Offsets into a write of `count` bytes at `offset` where its sectors begin, with 0 and `count`.
    static func sectorCuts(offset: Int, count: Int, sector: Int) -> [Int] {
        var cuts = [0]
        var next = (offset / sector + 1) * sector - offset
        while next < count {
            cuts.append(next)
            next += sector
        }
        cuts.append(count)
        return cuts
    }

    /// Every outcome of one file's unsynced changes other than kept and lost.
    func outcomes(_ file: File) -> [Outcome] {
        var outcomes: [Outcome] = []
        let count = file.pending.count
        guard count > 0 else { return [] }
        for length in 1..<count { outcomes.append(.prefix(length)) }
        if count > 1 { for index in 0..<count { outcomes.append(.without(index)) } }
        for (index, change) in file.pending.enumerated() {
            guard case .write(let offset, let data) = change else { continue }
            for sector in [512, 4_096] where Self.sectorCuts(offset: offset, count: data.count, sector: sector).count > 2 {
                for part in [TornPart.firstSector, .allButLastSector, .lastSectorOnly] {
                    outcomes.append(.torn(index: index, sector: sector, part: part))
                }
            }
        }
        if file.current.count > file.durable.count { outcomes.append(.zeroFilled) }
        return outcomes
    }

    /// The image made of the durable names plus `names` of the pending directory operations, with
    /// each file's contents given by `outcome`.
    func image(names selected: [Bool], outcome: (Int, File) -> Outcome) -> FileSystemImage {
        var names = durableNames
        for (index, operation) in pendingNames.enumerated() where selected[index] { operation.apply(&names) }
        var image = FileSystemImage()
        // An entry survives only if every directory above it does.
        func reachable(_ path: String) -> Bool {
            var parent = Self.parent(path)
            while !parent.isEmpty {
                guard names[parent] == .directory else { return false }
                parent = Self.parent(parent)
            }
            return true
        }
        for (path, entry) in names where reachable(path) {
            switch entry {
            case .directory: image.directories.insert(path)
            case .file(let id):
                guard let file = files[id] else { continue }
                image.files[path] = contents(file, outcome(id, file))
            }
        }
        image.directories.insert("")
        return image
    }

    /// The crash images of this point, each with how it was made and whether it must be kept in a sample.
    func crashImages() -> [(FileSystemImage, String, Bool)] {
        let all = [Bool](repeating: true, count: pendingNames.count)
        let none = [Bool](repeating: false, count: pendingNames.count)
        var images: [(FileSystemImage, String, Bool)] = [
            (image(names: all) { _, _ in .kept }, "everything handed to the kernel kept (kill -9)", true),
            (image(names: none) { _, _ in .lost }, "everything not synced lost", true),
            (image(names: all) { _, _ in .lost }, "directory operations kept, unsynced data lost", false),
            (image(names: none) { _, _ in .kept }, "unsynced directory operations lost, data kept", false),
        ]
        for (id, file) in files.sorted(by: { $0.key < $1.key }) where !file.pending.isEmpty {
            for outcome in outcomes(file) {
                images.append((image(names: all) { other, _ in other == id ? outcome : .kept }, "file #\(id): \(outcome), others kept", false))
                images.append((image(names: all) { other, _ in other == id ? outcome : .lost }, "file #\(id): \(outcome), others lost", false))
            }
        }
        let directories = Set(pendingNames.map(\.directory)).sorted()
        for directory in directories {
            let indices = pendingNames.indices.filter { pendingNames[$0].directory == directory }
            for length in 0..<indices.count {
                var selected = all
                for index in indices.dropFirst(length) { selected[index] = false }
                let text = "in \(directory.isEmpty ? "." : directory): only the first \(length) of \(indices.count) unsynced entries"
                images.append((image(names: selected) { _, _ in .kept }, text + ", data kept", false))
                images.append((image(names: selected) { _, _ in .lost }, text + ", data lost", false))
            }
            if indices.count > 1 {
                for index in indices {
                    var selected = all
                    selected[index] = false
                    images.append((image(names: selected) { _, _ in .kept }, "lost only: \(pendingNames[index].text)", false))
                }
            }
        }
        return images
    }
}
