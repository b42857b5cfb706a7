/// What a tier needs to know about a newly registered hash to copy it elsewhere.
struct RegisteredBlock: Sendable, Hashable {
    var sequenceHash: UInt64
    var parentHash: UInt64?
    var priority: UInt32
}
