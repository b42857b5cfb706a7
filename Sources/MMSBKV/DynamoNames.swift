/// The names NVIDIA Dynamo's KV block manager gives these types, for code ported from its Rust API.
///
/// MMSBKV spells acronyms in capitals (`KV`) and words in full (`Configuration`), as Swift's API
/// design guidelines ask; where Dynamo's reference API spells a type otherwise, its name is offered
/// here as an alias of the same type. Use whichever reads better in your code: they are the same type.

/// Dynamo's `KvBlockManager`.
public typealias KvBlockManager = KVBlockManager
/// Dynamo's `ReferenceBlockManager` (`KvBlockManager<BasicMetadata>`): the manager with the
/// metadata MMSBKV keeps for every block (priority, timestamps).
public typealias ReferenceBlockManager = KVBlockManager
/// Dynamo's `KvBlockManagerConfig`.
public typealias KvBlockManagerConfig = KVBlockManagerConfiguration
/// Dynamo's `KvBlockManagerConfigBuilder`.
public typealias KvBlockManagerConfigBuilder = KVBlockManagerConfigurationBuilder
/// Dynamo's `KvManagerModelConfig`.
public typealias KvManagerModelConfig = KVManagerModelConfiguration
/// Dynamo's `KvManagerLayoutConfig`.
public typealias KvManagerLayoutConfig = KVManagerLayoutConfiguration
/// Dynamo's `LayoutConfig`.
public typealias LayoutConfig = LayoutConfiguration
/// Dynamo's `MutableBlocks` (`Vec<MutableBlock>`).
public typealias MutableBlocks = [MutableBlock]
/// Dynamo's `ImmutableBlocks` (`Vec<ImmutableBlock>`).
public typealias ImmutableBlocks = [ImmutableBlock]
/// Dynamo's `BlockPoolResult<T>`.
public typealias BlockPoolResult<T> = Result<T, BlockPoolError>
/// Dynamo's `StorageResult<T>`.
public typealias StorageResult<T> = Result<T, StorageError>
