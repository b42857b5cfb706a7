/// A descriptor of one block of an exported block set (an entry of Dynamo's `BlockDescriptorList`).
public struct RemoteBlockDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// The owning worker.
    public var workerID: WorkerID
    /// The block set's index in the worker's export.
    public var blockset: UInt32
    /// The block's index in the block set.
    public var blockID: Int
    /// The storage generation the descriptor was made in.
    public var generation: UInt64

    public init(workerID: WorkerID, blockset: UInt32, blockID: Int, generation: UInt64) {
        self.workerID = workerID
        self.blockset = blockset
        self.blockID = blockID
        self.generation = generation
    }

    public var description: String { "worker \(workerID) block set \(blockset) block \(blockID) (generation \(generation))" }
}
