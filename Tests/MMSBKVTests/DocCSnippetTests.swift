import CrashStateSupport
import Foundation
import MMSBKV
import Testing

/// The Swift examples of the MMSBKV DocC articles, compiled and run; see ``DocumentationSnippets``.
@Suite struct KVDocCSnippetTests {
    static let catalog = "Sources/MMSBKV/MMSBKV.docc/"

    @Test(arguments: ["KVBlockManager.md", "MMSBKV.md"])
    func theArticleShowsExactlyTheseExamples(article: String) throws {
        let root = DocumentationSnippets.repositoryRoot(from: #filePath)
        let mismatch = try DocumentationSnippets.mismatch(document: Self.catalog + article, tests: [#filePath], root: root)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func hashingAllocatingRegisteringMatchingOffloadingOnboarding() throws {
        // snippet: Sources/MMSBKV/MMSBKV.docc/KVBlockManager.md
        let tokens: [Token] = Array(1...40)
        let sequence = try TokenBlockSequence(tokens: tokens, blockSize: 16, saltHash: .zero)
        let hashes = sequence.sequenceHashes                                 // 2 complete blocks; 8 tokens wait
        // end snippet
        #expect(hashes.count == 2)

        // snippet: Sources/MMSBKV/MMSBKV.docc/KVBlockManager.md
        let model = KVManagerModelConfiguration(numLayers: 2, outerDim: 2, pageSize: 16, innerDim: 64, dtype: .fp16)
        let config = try KVBlockManagerConfigurationBuilder()
            .model(model)
            .device(KVManagerLayoutConfiguration(numBlocks: 64, storage: .simulatedDevice))
            .host(KVManagerLayoutConfiguration(numBlocks: 256, storage: .system))
            .offloadMode(.manual)
            .build()
        let manager = try KVBlockManager(config)
        let device = try manager.tier(.device)

        let blocks = try device.pool.allocateBlocksBlocking(hashes.count)
        for block in blocks {
            var writer = try device.writer(for: block)
            try writer.write([UInt8](repeating: 7, count: device.blocks.layout.blockDataSize))
        }
        try device.pool.markCompleteChain(blocks, sequenceHashes: hashes)
        let registered = try device.pool.registerBlocksBlocking(blocks)
        try device.pool.releaseBlocking(registered)                          // cached, reusable, evictable

        let reused = device.pool.matchSequenceHashesBlocking(hashes)         // both blocks, no recompute
        try device.pool.releaseBlocking(reused)
        // end snippet
        #expect(reused.count == 2)

        // snippet: Sources/MMSBKV/MMSBKV.docc/KVBlockManager.md
        manager.processOffloads()                                            // both blocks are copied to the host
        let others = try device.pool.allocateBlocksBlocking(64)              // another request evicts them
        try device.pool.releaseBlocking(others)
        let missing = device.pool.matchSequenceHashesBlocking(hashes)        // []: gone from the device
        let host = try manager.tier(.host)
        let onHost = host.pool.matchSequenceHashesBlocking(hashes)           // but cached on the host
        let back = try manager.onboard(onHost, from: .host)                  // copied back and registered
        try host.pool.releaseBlocking(onHost)
        try device.pool.releaseBlocking(back)
        // end snippet
        #expect(missing.isEmpty)
        #expect(onHost.count == 2)
        #expect(back.count == 2)
        // The onboarded copies are what a new request now finds on the device, with the bytes written.
        let again = device.pool.matchSequenceHashesBlocking(hashes)
        #expect(again.map(\.blockID) == back.map(\.blockID))
        for block in again {
            #expect(try device.reader(for: block).bytes() == [UInt8](repeating: 7, count: device.blocks.layout.blockDataSize))
        }
        try device.pool.releaseBlocking(again)
    }
}
