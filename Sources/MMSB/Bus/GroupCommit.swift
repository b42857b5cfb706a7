import Dispatch

/// Lets concurrent writers in ``Durability/always`` mode share one `fdatasync` (group commit).
///
/// Each writer queues its change. The first writer to find no leader becomes the leader: it takes the
/// bus's write lock, runs every queued change in order (each validates, is logged, then applied, as on
/// the direct path), syncs the log once, releases the lock, and wakes the writers it served. If more
/// changes queued meanwhile, it hands leadership to the first of them and returns. Readers never see a
/// change before the sync that covers it has returned, because the write lock is held throughout.
final class GroupCommit: Sendable {
    private struct Queue: ~Copyable {
        var pending: [CommitRequest] = []
        var leaderActive = false
    }

    private let queue = Locked(Queue())

    /// Runs `body` as part of a group and returns its result once the group's sync has returned.
    func perform<R>(on bus: StateBus, _ body: (inout BusState) throws -> R) throws -> R {
        try withoutActuallyEscaping(body) { body in
            let request = TypedCommitRequest(body)
            let leads = queue.withLock { queue in
                queue.pending.append(request)
                if queue.leaderActive { return false }
                queue.leaderActive = true
                return true
            }
            if !leads {
                request.semaphore.wait()
                if request.becomesLeader { lead(bus) }
            } else {
                lead(bus)
            }
            return try request.takeResult()
        }
    }

    /// Commits one group, then passes leadership on (or gives it up when nobody waits).
    private func lead(_ bus: StateBus) {
        let group = queue.withLock { queue in
            let group = queue.pending
            queue.pending.removeAll()
            return group
        }
        bus.commit(group)
        let next = queue.withLock { queue -> CommitRequest? in
            guard let next = queue.pending.first else {
                queue.leaderActive = false
                return nil
            }
            return next
        }
        for request in group { request.semaphore.signal() }
        if let next {
            next.becomesLeader = true
            next.semaphore.signal()
        }
    }
}

/// A queued change; the leader runs it under the bus's write lock.
class CommitRequest: @unchecked Sendable {
    // @unchecked Sendable is sound: the owner writes nothing after queuing; the leader writes `outcome`
    // and `becomesLeader` before signalling `semaphore`, and the owner reads them only after waiting on it.
    let semaphore = DispatchSemaphore(value: 0)
    var becomesLeader = false

    /// Runs the change on `state`, keeping its result or error.
    func run(_ state: inout BusState) {}

    /// Replaces a successful result with `error` (the group's sync failed).
    func fail(_ error: any Error) {}
}

private final class TypedCommitRequest<R>: CommitRequest, @unchecked Sendable {
    /// Cleared once run, so the caller's non-escaping closure is never kept past its call.
    private var body: ((inout BusState) throws -> R)?
    private var outcome: Result<R, any Error>?

    init(_ body: @escaping (inout BusState) throws -> R) {
        self.body = body
    }

    override func run(_ state: inout BusState) {
        guard let body else { return }
        self.body = nil
        outcome = Result { try body(&state) }
    }

    override func fail(_ error: any Error) {
        body = nil
        if case .failure = outcome { return }
        outcome = .failure(error)
    }

    func takeResult() throws -> R {
        guard let outcome else { throw LogError.closed }
        return try outcome.get()
    }
}
