/// Why a record read back from the log could not be applied.
struct ReplayFailure: Error {
    var reason: String
}

extension StateBus {
    /// Applies a record read back from the log to a bus that has no journal yet.
    ///
    /// Every record goes through the same validation as a live call (page ids, sizes, bounds, epochs),
    /// and its delta ids must be the ones this bus would give, so a record that contradicts the state
    /// rebuilt so far is reported, never silently applied.
    func replay(_ record: LogRecord) throws(ReplayFailure) {
        do {
            switch record.body {
            case .pageCreated(let page, let size, let location, let metadata):
                _ = try createPage(id: page, size: size, location: location, metadata: metadata, enforcingDevicePolicy: false)
            case .pageDeleted(let page):
                try deletePage(page)
            case .metadataChanged(let page, let metadata):
                try setMetadata(metadata, of: page)
            case .deltas(let deltas):
                guard let first = deltas.first?.id, first == nextDeltaID else {
                    throw ReplayFailure(reason: "delta ids start at \(deltas.first?.id ?? .unassigned), expected \(nextDeltaID)")
                }
                try apply(deltas)
            }
        } catch let failure as ReplayFailure {
            throw failure
        } catch {
            throw ReplayFailure(reason: "record \(record.lsn) does not apply: \(error)")
        }
    }
}
