import CrashStateSupport
import Foundation
@testable import MMSB
import Testing

/// What a recorded store workload acknowledged, and every state it went through: the yardstick for
/// the states a crash can leave.
///
/// After every call the workload notes the state digest at the LSN the bus has reached, and after
/// every call whose durability was promised (an `always` call, or a `sync()`, `checkpoint()` or
/// `close()` in any mode) the position in the trace where the promise was made.
final class StoreCrashOracle {
    /// Set once recording starts; acknowledgements before it are at trace position 0.
    var recorder: FileSystemRecorder?
    /// Digests of the states the workload's buses held at each LSN (several when a restart went on
    /// from a shorter prefix than another run).
    private(set) var digests: [UInt64: Set<StateDigest>]
    /// (trace position, LSN): once the trace has reached the position, records up to the LSN survive.
    private(set) var acknowledgements: [(point: Int, lsn: UInt64)] = []

    init() throws {
        digests = [0: [try StateBus().stateDigest()]]
    }

    /// Takes the states another run of the same deterministic workload went through: a call that
    /// failed after its record reached the file (a failed sync) leaves a state this run never saw.
    func adoptStates(of other: StoreCrashOracle) {
        digests.merge(other.digests) { $0.union($1) }
    }

    /// Notes the bus's state at the LSN it has reached.
    func note(_ bus: StateBus) throws {
        guard let next = bus.nextLSN else { return }
        digests[next.rawValue - 1, default: []].insert(try bus.stateDigest())
    }

    /// Notes the bus's state, and that everything up to its LSN was acknowledged as durable.
    func acknowledge(_ bus: StateBus) throws {
        try note(bus)
        acknowledgements.append((recorder?.count ?? 0, bus.nextLSN!.rawValue - 1))
    }

    /// The LSN every state after `point` operations must reach.
    func requiredLSN(at point: Int) -> UInt64 {
        acknowledgements.filter { $0.point <= point }.map(\.lsn).max() ?? 0
    }

    /// Opens the store at `path` as a user would after the crash and returns what is wrong with it
    /// (nothing: an empty list): it must open, hold at least every acknowledged record, hold exactly
    /// a state the workload had at that LSN, close, and open again to the same state.
    func violations(ofStoreAt path: String, point: Int, recovery: RecoveryMode = .tolerateTornTail) -> [String] {
        let required = requiredLSN(at: point)
        let options = StoreOptions(durability: .always, recovery: recovery)
        let bus: StateBus
        do {
            bus = try StateBus.open(at: path, options: options)
        } catch {
            return ["open failed (\(type(of: error))): \(error); acknowledged up to LSN \(required)"]
        }
        var problems: [String] = []
        do {
            let last = bus.nextLSN!.rawValue - 1
            let digest = try bus.stateDigest()
            if last < required { problems.append("recovered up to LSN \(last), but LSN \(required) was acknowledged; \(bus.recoveryReport!)") }
            if !(digests[last]?.contains(digest) ?? false) {
                problems.append("the state at LSN \(last) is none the workload had (digest \(digest)); \(bus.recoveryReport!)")
            }
            try bus.close()
            let again = try StateBus.open(at: path, options: options)
            if try again.stateDigest() != digest { problems.append("reopening after a clean close changed the state") }
            try again.close()
        } catch {
            problems.append("after opening: \(error)")
            try? bus.close()
        }
        return problems
    }
}

/// Runs a store workload under a recorder, then opens every crash state of its trace.
enum StoreCrashExplorer {
    struct Summary: CustomStringConvertible {
        var operations = 0
        var states = 0
        var violations: [String] = []
        var description: String { "\(operations) operations, \(states) crash states, \(violations.count) violations" }
    }

    /// Records `workload` (given the scratch root, where the store is `root/store`), then checks the
    /// crash states of its trace; at most `ciStates` of them unless `MMSB_CRASH_STATES` says otherwise.
    static func explore(
        _ name: String, ciStates: Int = 300, recovery: RecoveryMode = .tolerateTornTail,
        prepare: (String, StoreCrashOracle) throws -> Void = { _, _ in }, workload: (String, FileSystemRecorder, StoreCrashOracle) throws -> Void
    ) throws -> Summary {
        let scratch = CrashScratch("crash-\(name)")
        let root = scratch.directory("workload")
        let oracle = try StoreCrashOracle()
        try prepare(root + "/store", oracle)
        let recorder = try FileSystemRecorder(root: root)
        oracle.recorder = recorder
        try workload(root + "/store", recorder, oracle)
        recorder.stop()
        let generator = CrashStateGenerator(recorder)
        var summary = Summary(operations: generator.operations.count)
        summary.states = try generator.forEachState(.fromEnvironment(ciStates: ciStates)) { state in
            let directory = scratch.directory("state")
            defer { scratch.remove(directory) }
            try state.image.materialize(in: directory)
            for problem in oracle.violations(ofStoreAt: directory + "/store", point: state.point, recovery: recovery) {
                let context = generator.operations.prefix(state.point).suffix(4).map(\.description).joined(separator: "; ")
                summary.violations.append("[\(name)] after \(state.point) operations (… \(context)), \(state.how): \(problem)")
            }
        }
        print("crash states \(name): \(summary)")
        return summary
    }
}
