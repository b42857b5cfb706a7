import Foundation
import MMSB
import Testing
import CrashStateSupport

/// The README's Swift examples, compiled and run.
///
/// Each example lives here between `// snippet: README.md` and `// end snippet`, followed by checks of
/// what it did; ``theReadmeShowsExactlyTheseExamples()`` fails when a README block and its copy here
/// differ by one character, so an example that does not compile, crashes or lies cannot be published.
@Suite struct ReadmeSnippetTests {
    @Test func inMemory() throws {
        // snippet: README.md
        let bus = StateBus()                                   // in memory, Sendable, safe to share
        let page = try bus.createPage(size: 16)                // ids 1, 2, 3, … zero-filled, epoch 0
        try bus.write(page: page, offset: 0, bytes: Array("MMSB".utf8))       // one delta, epoch 1
        try bus.update(page: page, to: Array("mmsb-delta-proof".utf8))        // only differing bytes
        let bytes = try bus.read(page: page)                   // a copy; or withUnsafeBytes(of:) for none

        var batch = WriteBatch()                               // many writes, all or nothing, one lock
        batch.write(page: page, offset: 4, bytes: [0x2D])
        try bus.apply(batch)

        let delta = try Delta.sparse(page: page, epoch: Epoch(9), mask: [true, false, true], payload: [1, 2])
        try bus.apply(delta)                                   // the original's dense/sparse masks work too
        // end snippet
        #expect(bytes == Array("mmsb-delta-proof".utf8))
        #expect(try bus.read(page: page) == [1, 0x6D, 2] + Array("b-delta-proof".utf8))
    }

    @Test func onDisk() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        // snippet: README.md
        let options = StoreOptions(durability: .always, keepHistory: true)    // keepHistory: travel back past checkpoints
        let store = try StateBus.open(at: directory, options: options)        // creates the store on first open
        let page = try store.createPage(size: 8)                              // LSN 1
        try store.write(page: page, offset: 0, bytes: [1, 2, 3])              // LSN 2, synced on return
        try store.write(page: page, offset: 0, bytes: [7])                    // LSN 3
        try store.close()                                                     // checkpoint; reopen replays nothing
        let past = try StateBus.open(at: directory, asOf: .lsn(LSN(2)))       // a read-only view after LSN 2
        let then = try past.read(page: page)                                  // [1, 2, 3, 0, 0, 0, 0, 0]
        // end snippet
        #expect(then == [1, 2, 3, 0, 0, 0, 0, 0])
        #expect(throws: LogError.closed) { try store.write(page: page, offset: 0, bytes: [9]) }
        #expect(try StateBus.open(at: directory).read(page: page) == [7, 2, 3, 0, 0, 0, 0, 0])
    }

    @Test func withoutHistoryThePastBeforeACheckpointIsATypedError() throws {
        let scratch = TemporaryDirectory()
        let store = try StateBus.open(at: scratch.path)
        try store.write(page: try store.createPage(size: 8), offset: 0, bytes: [1])
        try store.close()
        // LSN 1 made the page, 2 wrote it, 3 is the checkpoint close() took: history starts there.
        #expect(throws: LogError.historyUnavailable(target: "LSN 1", earliest: LSN(3))) {
            try StateBus.open(at: scratch.path, asOf: .lsn(LSN(1)))
        }
    }

    @Test func derivedPages() async throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        // snippet: README.md
        let bus = try StateBus.open(at: directory)
        let source = try bus.createPage(size: 16), derived = try bus.createPage(size: 16)
        try bus.addEdge(from: source, to: derived, type: .data)            // logged and checkpointed
        try bus.setRule(named: "passthrough", for: derived)               // rules are code: set again after open
        let changes = bus.events(.pageChanged)                            // ends when the bus closes
        try bus.write(page: source, offset: 0, bytes: Array("alpha".utf8))   // derived follows, same log record

        var batch = WriteBatch()
        batch.write(page: source, offset: 5, bytes: Array("-beta".utf8))
        let metrics = try bus.tick(batch)                                  // validate, apply, propagate, log
        try bus.close()
        // end snippet
        #expect(metrics.deltas == 1)
        #expect(try bus.read(page: derived).prefix(10) == ArraySlice("alpha-beta".utf8))
        var changed: [BusEvent] = []
        for await event in changes { changed.append(event) }                  // ends by itself: the bus closed
        #expect(changed.filter { if case .pageChanged(derived, _) = $0.kind { true } else { false } }.count == 2)
    }

    @Test func theReadmeShowsExactlyTheseExamples() throws {
        let root = DocumentationSnippets.repositoryRoot(from: #filePath)
        let mismatch = try DocumentationSnippets.mismatch(document: "README.md", tests: [#filePath], root: root)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }
}
