import Synchronization

/// A subscription to a bus's events; events stop when it is cancelled or released.
public final class EventSubscription: Sendable {
    let id: UInt64
    private let hub: EventHub

    init(id: UInt64, hub: EventHub) {
        self.id = id
        self.hub = hub
    }

    /// Stops delivery to this subscription's handler (events already being delivered may still arrive).
    public func cancel() { hub.remove(id) }

    deinit { hub.remove(id) }
}

/// Subscribers and the queue of events waiting for delivery.
///
/// Writers enqueue events while they hold the bus's write lock, so the queue is in change order. After
/// releasing it, a writer calls ``deliver()``: one thread at a time empties the queue, calling handlers
/// with no bus lock held, so a handler may read or write the bus (its own events are then delivered
/// after the current ones, by the same loop).
final class EventHub: Sendable {
    typealias Handler = @Sendable (BusEvent) throws -> Void

    private struct Subscriber {
        let id: UInt64
        let filter: BusEvent.Filter
        let handler: Handler
        /// Called once when the hub closes (an `AsyncStream` finishes there).
        let onClose: (@Sendable () -> Void)?
    }

    private struct State {
        var subscribers: [Subscriber] = []
        var nextSubscriberID: UInt64 = 1
        var queue: [BusEvent] = []
        var nextSequence: UInt64 = 1
        var delivering = false
        var failures = 0
        var lastFailure: String?
        var closed = false
    }

    private let state = Locked(State())
    /// Union of the subscribers' filters: writers skip building events nobody wants.
    private let wanted = Atomic<UInt8>(0)
    /// Whether events wait in the queue.
    private let pending = Atomic<Bool>(false)

    init() {}

    /// Whether any subscriber wants events of `filter`.
    @inline(__always)
    func wants(_ filter: BusEvent.Filter) -> Bool { wanted.load(ordering: .relaxed) & filter.rawValue != 0 }

    /// Whether any subscriber exists.
    @inline(__always)
    var isActive: Bool { wanted.load(ordering: .relaxed) != 0 }

    /// Adds a subscriber. `onClose` runs once when the hub closes, or at once when it already has.
    func add(filter: BusEvent.Filter, handler: @escaping Handler, onClose: (@Sendable () -> Void)? = nil) -> EventSubscription {
        let id: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers.append(Subscriber(id: id, filter: filter, handler: handler, onClose: onClose))
            storeWanted(state.subscribers)
            return id
        }
        guard let id else {
            onClose?()
            return EventSubscription(id: 0, hub: self)
        }
        return EventSubscription(id: id, hub: self)
    }

    /// Delivers what is queued, then drops every subscriber and calls their `onClose`: the bus closed,
    /// so no event will follow. Later calls do nothing.
    func close() {
        deliver()
        let closing: [Subscriber] = state.withLock { state in
            guard !state.closed else { return [] }
            state.closed = true
            let subscribers = state.subscribers
            state.subscribers.removeAll()
            storeWanted(state.subscribers)
            return subscribers
        }
        for subscriber in closing { subscriber.onClose?() }
    }

    func remove(_ id: UInt64) {
        state.withLock { state in
            state.subscribers.removeAll { $0.id == id }
            storeWanted(state.subscribers)
        }
    }

    private func storeWanted(_ subscribers: [Subscriber]) {
        wanted.store(subscribers.reduce(0) { $0 | $1.filter.rawValue }, ordering: .relaxed)
    }

    /// Queues events in order; call while holding the bus's write lock.
    func enqueue(_ kinds: [BusEvent.Kind]) {
        guard !kinds.isEmpty else { return }
        state.withLock { state in
            // Stored when subscribers change, which also happens under this lock.
            let wantedBits = wanted.load(ordering: .relaxed)
            for kind in kinds where kind.filter.rawValue & wantedBits != 0 {
                state.queue.append(BusEvent(sequence: state.nextSequence, kind: kind))
                state.nextSequence += 1
            }
            if !state.queue.isEmpty { pending.store(true, ordering: .releasing) }
        }
    }

    /// Delivers queued events, unless another thread is already doing so (it will deliver them too).
    func deliver() {
        guard pending.load(ordering: .acquiring) else { return }
        while true {
            let batch: (events: [BusEvent], subscribers: [Subscriber])? = state.withLock { state in
                guard !state.delivering else { return nil }
                guard !state.queue.isEmpty else {
                    pending.store(false, ordering: .releasing)
                    return nil
                }
                state.delivering = true
                let events = state.queue
                state.queue.removeAll(keepingCapacity: true)
                return (events, state.subscribers)
            }
            guard let batch else { return }
            var failures: [String] = []
            for event in batch.events {
                for subscriber in batch.subscribers where subscriber.filter.contains(event.kind.filter) {
                    do { try subscriber.handler(event) } catch { failures.append("\(event): \(error)") }
                }
            }
            let more = state.withLock { state in
                state.failures += failures.count
                if let last = failures.last { state.lastFailure = last }
                state.delivering = false
                return !state.queue.isEmpty
            }
            guard more else { return }
        }
    }

    /// How many handler calls threw, and the last such failure.
    var failures: (count: Int, last: String?) { state.withLock { ($0.failures, $0.lastFailure) } }
}
