/// An XXH3-64 hasher that takes its input in pieces.
///
/// Feeding bytes in any split gives the same value as one ``XXH3`` `hash64(_:seed:)` call over their
/// concatenation, so a sequence of pages can be digested in order without copying them
/// into one buffer:
///
/// ```swift
/// var hasher = XXH3Hasher(seed: 0)
/// for page in pages { page.withUnsafeBytes { hasher.update($0) } }
/// let digest = hasher.finalize()
/// ```
///
/// The hasher buffers at most 256 bytes and otherwise works on the input in place. ``finalize()``
/// does not change the state, so more input may follow and intermediate digests are allowed.
public struct XXH3Hasher: Sendable {
    /// Capacity of the buffer: four stripes. Inputs of at most this many bytes stay whole in it,
    /// which covers every input the short and medium algorithms hash.
    private static let bufferSize = 256

    /// The seed given at creation.
    public let seed: UInt64
    /// The secret of the large algorithm for `seed` (192 bytes).
    private let secret: [UInt8]
    /// The large algorithm's accumulators over the stripes consumed so far.
    private var acc: SIMD8<UInt64>
    /// Input not yet consumed: `buffer[0..<bufferedCount]`. When fewer than 64 bytes are buffered,
    /// the 64 bytes consumed last sit at the end of the buffer, for the final stripe.
    private var buffer: [UInt8]
    /// Bytes waiting in `buffer`.
    private var bufferedCount: Int
    /// Stripes consumed since the last scramble (0 to 15).
    private var stripesInBlock: Int
    /// Total bytes passed to `update` so far.
    private var totalCount: UInt64

    /// A hasher with no input yet.
    ///
    /// - Parameter seed: The seed; 0 gives the unseeded `XXH3_64bits` value.
    public init(seed: UInt64 = 0) {
        self.seed = seed
        if seed == 0 {
            secret = XXH3.defaultSecret
        } else {
            secret = [UInt8](unsafeUninitializedCapacity: XXH3.secretSize) { storage, initialized in
                XXH3.deriveSecret(seed: seed, into: UnsafeMutableRawBufferPointer(storage))
                initialized = XXH3.secretSize
            }
        }
        acc = XXH3.initialAccumulators
        buffer = [UInt8](repeating: 0, count: Self.bufferSize)
        bufferedCount = 0
        stripesInBlock = 0
        totalCount = 0
    }

    /// Appends `bytes` to the input.
    ///
    /// - Complexity: O(`bytes.count`). Does not allocate.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        var input = start
        var remaining = bytes.count
        totalCount &+= UInt64(truncatingIfNeeded: remaining)

        let bufferSize = Self.bufferSize
        let stripeSize = XXH3.stripeSize
        let bufferedCount = self.bufferedCount
        if remaining <= bufferSize &- bufferedCount {
            buffer.withUnsafeMutableBytes { storage in
                (storage.baseAddress.unsafelyUnwrapped + bufferedCount).copyMemory(from: input, byteCount: remaining)
            }
            self.bufferedCount = bufferedCount &+ remaining
            return
        }

        // More than fits: every buffered byte and most of the input can be consumed, always keeping
        // at least one byte back, because the last stripe is handled differently by `finalize`.
        var acc = self.acc
        var stripesInBlock = self.stripesInBlock
        secret.withUnsafeBytes { secretBytes in
            let secret = UnsafeRawPointer(secretBytes.baseAddress.unsafelyUnwrapped)
            buffer.withUnsafeMutableBytes { storage in
                let buffer = storage.baseAddress.unsafelyUnwrapped
                if bufferedCount > 0 {
                    let fill = bufferSize &- bufferedCount
                    (buffer + bufferedCount).copyMemory(from: input, byteCount: fill)
                    input += fill
                    remaining &-= fill
                    Self.consume(&acc, &stripesInBlock, UnsafeRawPointer(buffer), stripes: bufferSize / stripeSize, secret)
                }
                if remaining > bufferSize {
                    let stripes = (remaining &- 1) / stripeSize
                    Self.consume(&acc, &stripesInBlock, input, stripes: stripes, secret)
                    input += stripes &* stripeSize
                    remaining &-= stripes &* stripeSize
                    // Keep the last consumed stripe for a final stripe that reaches back before the buffer.
                    (buffer + (bufferSize &- stripeSize)).copyMemory(from: input - stripeSize, byteCount: stripeSize)
                }
                buffer.copyMemory(from: input, byteCount: remaining)
            }
        }
        self.acc = acc
        self.stripesInBlock = stripesInBlock
        self.bufferedCount = remaining
    }

    /// Appends `bytes` to the input.
    ///
    /// - Complexity: O(`bytes.count`). Does not allocate.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The XXH3-64 hash of all input so far: `XXH3.hash64(concatenation, seed: seed)`.
    ///
    /// The hasher is left as it was, so it can take more input afterwards.
    public func finalize() -> UInt64 {
        buffer.withUnsafeBytes { storage in
            if totalCount <= UInt64(XXH3.midSizeMax) {
                // Nothing was consumed: the whole input is in the buffer.
                return XXH3.defaultSecret.withUnsafeBytes { defaultSecret in
                    XXH3.hashShort(UnsafeRawBufferPointer(rebasing: storage[..<bufferedCount]),
                                   seed: seed, secret: defaultSecret)
                }
            }
            return secret.withUnsafeBytes { secretBytes in
                let secret = UnsafeRawPointer(secretBytes.baseAddress.unsafelyUnwrapped)
                let buffer = UnsafeRawPointer(storage.baseAddress.unsafelyUnwrapped)
                let stripeSize = XXH3.stripeSize
                var acc = self.acc
                if bufferedCount >= stripeSize {
                    var stripesInBlock = self.stripesInBlock
                    Self.consume(&acc, &stripesInBlock, buffer, stripes: (bufferedCount &- 1) / stripeSize, secret)
                    XXH3.accumulateStripe(&acc, buffer + (bufferedCount &- stripeSize),
                                          secret + XXH3.lastStripeSecretOffset)
                } else {
                    // The last 64 input bytes: the end of the stripe consumed last, then the buffered bytes.
                    withUnsafeTemporaryAllocation(byteCount: stripeSize, alignment: 16) { lastStripe in
                        let reach = stripeSize &- bufferedCount
                        let base = lastStripe.baseAddress.unsafelyUnwrapped
                        base.copyMemory(from: buffer + (Self.bufferSize &- reach), byteCount: reach)
                        (base + reach).copyMemory(from: buffer, byteCount: bufferedCount)
                        XXH3.accumulateStripe(&acc, UnsafeRawPointer(base), secret + XXH3.lastStripeSecretOffset)
                    }
                }
                return XXH3.merge(acc, length: totalCount, secret)
            }
        }
    }

    /// Consumes `stripes` whole stripes at `input`, scrambling after every 16th stripe of the input.
    @inline(__always)
    private static func consume(
        _ acc: inout SIMD8<UInt64>, _ stripesInBlock: inout Int,
        _ input: UnsafeRawPointer, stripes: Int, _ secret: UnsafeRawPointer
    ) {
        var input = input
        var stripes = stripes
        while stripes > 0 {
            let now = min(stripes, XXH3.stripesPerBlock &- stripesInBlock)
            XXH3.accumulateStripes(&acc, input, count: now, secret, firstStripe: stripesInBlock)
            input += now &* XXH3.stripeSize
            stripes &-= now
            stripesInBlock &+= now
            if stripesInBlock == XXH3.stripesPerBlock {
                XXH3.scramble(&acc, secret)
                stripesInBlock = 0
            }
        }
    }
}
