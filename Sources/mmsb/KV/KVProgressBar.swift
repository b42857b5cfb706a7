import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal, so
/// that piped output and tests never see it.
struct KVProgressBar {
    private let total: Int
    private let enabled: Bool
    private var lastPercent = -1

    init(total: Int, enabled: Bool) {
        self.total = max(1, total)
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// Redraws when the percentage changes (at most 101 writes per run).
    mutating func update(_ done: Int) {
        guard enabled else { return }
        let percent = done * 100 / total
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 40
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)% (\(done)/\(total))".utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 70) + "\r").utf8))
    }
}
