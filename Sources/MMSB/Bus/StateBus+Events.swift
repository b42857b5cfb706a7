extension StateBus {
    /// Calls `handler` with every event that passes `filter`, from now until the subscription is
    /// cancelled or released.
    ///
    /// Events arrive in the order their changes were made (the log's order), after the change's call
    /// has released the bus's lock, one at a time, on the thread of a call that changed the bus. A
    /// handler may read and write the bus; an error it throws is counted (``eventHandlerFailures``) and
    /// never reaches the bus or other handlers.
    public func subscribe(
        to filter: BusEvent.Filter = .all, _ handler: @escaping @Sendable (BusEvent) throws -> Void
    ) -> EventSubscription {
        events.add(filter: filter, handler: handler)
    }

    /// Events that pass `filter` as an asynchronous sequence.
    ///
    /// The sequence ends when the bus closes (``close()``, after the events of every change made
    /// before it) or when the consuming task is cancelled; on a bus already closed it is empty. Events
    /// are buffered without limit until consumed, so consume them promptly.
    public func events(_ filter: BusEvent.Filter = .all) -> AsyncStream<BusEvent> {
        AsyncStream { continuation in
            let subscription = events.add(filter: filter, handler: { event in continuation.yield(event) }, onClose: { continuation.finish() })
            continuation.onTermination = { _ in subscription.cancel() }
        }
    }

    /// How many handler calls threw, and the last such failure.
    public var eventHandlerFailures: (count: Int, last: String?) { events.failures }
}
