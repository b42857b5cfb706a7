import MMSBKV
import Testing

/// Code written with Dynamo's names compiles and means the same types.
@Suite struct DynamoNamesTests {
    @Test func dynamosNamesAreTheSameTypes() throws {
        #expect(KvBlockManager.self == KVBlockManager.self)
        #expect(ReferenceBlockManager.self == KVBlockManager.self)
        #expect(KvBlockManagerConfig.self == KVBlockManagerConfiguration.self)
        #expect(KvBlockManagerConfigBuilder.self == KVBlockManagerConfigurationBuilder.self)
        #expect(KvManagerModelConfig.self == KVManagerModelConfiguration.self)
        #expect(KvManagerLayoutConfig.self == KVManagerLayoutConfiguration.self)
        #expect(LayoutConfig.self == LayoutConfiguration.self)
        #expect(MutableBlocks.self == [MutableBlock].self)
        #expect(ImmutableBlocks.self == [ImmutableBlock].self)
        #expect(BlockPoolResult<Int>.self == Result<Int, BlockPoolError>.self)
        #expect(StorageResult<Int>.self == Result<Int, StorageError>.self)
    }

    @Test func aManagerBuiltWithDynamosNames() throws {
        let config: KvBlockManagerConfig = try KvBlockManagerConfigBuilder()
            .model(KvManagerModelConfig(numLayers: 1, outerDim: 2, pageSize: 4, innerDim: 8, dtype: .fp16))
            .device(KvManagerLayoutConfig(numBlocks: 4, storage: .simulatedDevice))
            .build()
        let manager: ReferenceBlockManager = try KvBlockManager(config)
        let pool = try manager.tier(.device).pool
        let blocks: MutableBlocks = try pool.allocateBlocksBlocking(2)
        #expect(blocks.count == 2)
        let result: BlockPoolResult<Void> = Result { () throws(BlockPoolError) in try pool.releaseBlocking(blocks) }
        #expect(throws: Never.self) { try result.get() }
    }
}
