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
            case .checkpoint(let covered):
                guard covered == record.lsn else {
                    throw ReplayFailure(reason: "checkpoint marker \(record.lsn) claims to cover LSN \(covered)")
                }
            case .graphChanged(let change):
                try applyGraphChange(change)
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

/// Why a deltas record could not be replayed on the fast path.
enum DeltaReplayError: Error {
    /// The record's body is malformed at an offset (treated like any invalid record bytes).
    case malformed(DecodeFailure)
    /// The record decodes but does not apply to the state rebuilt so far.
    case rejected(ReplayFailure)
}

extension StateBus {
    /// Replays a deltas record straight from the log's bytes: no ``Delta`` values are built.
    ///
    /// Two passes under the write lock, as a live batch: decode and validate every delta (page exists,
    /// extent fits, epoch not older, setting epochs tentatively), then copy every run. Nothing changes
    /// if any delta fails. The record's deltas take ids from `firstDeltaID`, which must be the bus's next.
    /// - Returns: the number of deltas applied.
    func replayDeltas(
        _ segment: UnsafeRawBufferPointer, bodyStart: Int, end: Int, firstDeltaID: UInt64
    ) throws(DeltaReplayError) -> Int {
        try state.withWriteLock { (state) throws(DeltaReplayError) in
            guard state.nextDeltaID == firstDeltaID else {
                throw .rejected(ReplayFailure(reason: "delta ids start at \(firstDeltaID), expected \(state.nextDeltaID)"))
            }
            var reader = ByteReader(segment, from: bodyStart, to: end)
            let count: Int
            do throws(DecodeFailure) {
                let countOffset = reader.position
                count = try reader.count("delta count", limit: reader.remaining)
                guard count > 0 else { throw DecodeFailure(offset: countOffset, reason: "a deltas record holds no delta") }
            } catch {
                throw .malformed(error)
            }
            let deltasStart = reader.position
            let scratch = state.slotScratch(count: 2 * count)
            let slots = scratch
            let savedEpochs = scratch + count
            var runs = state.takeRunScratch()
            defer { state.returnRunScratch(runs) }
            // Pass 1: decode and validate, setting epochs tentatively.
            for index in 0..<count {
                let failure: DeltaReplayError
                do {
                    let delta = try EncodedDelta.decode(&reader, runs: &runs)
                    guard let slot = state.table.slot(of: delta.page) else {
                        throw ReplayFailure(reason: "delta \(firstDeltaID + UInt64(index)) writes page \(delta.page), which does not exist")
                    }
                    let size = state.table.size(slot)
                    let epoch = state.table.epoch(slot)
                    guard delta.extent <= size else {
                        throw ReplayFailure(reason: "delta \(firstDeltaID + UInt64(index)) reaches byte \(delta.extent) of page \(delta.page), which holds \(size)")
                    }
                    guard delta.epoch >= epoch else {
                        throw ReplayFailure(reason: "delta \(firstDeltaID + UInt64(index)) has epoch \(delta.epoch), older than page \(delta.page)'s \(epoch)")
                    }
                    slots[index] = slot
                    savedEpochs[index] = Int(bitPattern: UInt(epoch.rawValue))
                    state.table.setEpoch(slot, delta.epoch)
                    continue
                } catch let error as DecodeFailure {
                    failure = .malformed(error)
                } catch let error as ReplayFailure {
                    failure = .rejected(error)
                } catch {
                    failure = .rejected(ReplayFailure(reason: "\(error)"))
                }
                Self.restoreEpochs(state.table, slots: slots, saved: savedEpochs, count: index)
                throw failure
            }
            guard reader.isAtEnd else {
                Self.restoreEpochs(state.table, slots: slots, saved: savedEpochs, count: count)
                throw .malformed(DecodeFailure(offset: reader.position, reason: "\(reader.remaining) unexpected bytes after the record body"))
            }
            // Pass 2: copy the runs; the bytes decoded once already, so nothing can fail.
            reader = ByteReader(segment, from: deltasStart, to: end)
            for index in 0..<count {
                guard let delta = try? EncodedDelta.decode(&reader, runs: &runs) else { break }
                let base = state.table.data(slots[index])
                var payloadOffset = 0
                for run in runs {
                    (base + run.offset).copyMemory(from: delta.payload.baseAddress! + payloadOffset, byteCount: run.length)
                    state.table.markDirty(slots[index], offset: run.offset, length: run.length)
                    payloadOffset += run.length
                }
            }
            state.nextDeltaID += UInt64(count)
            return count
        }
    }
}
