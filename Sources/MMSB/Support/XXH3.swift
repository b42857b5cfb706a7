// XXH3-64, written from the algorithm description in the xxHash specification
// (Cyan4973/xxHash, doc/xxhash_spec.md, "XXH3 Algorithm Description"). xxHash is BSD-2-Clause,
// (c) Yann Collet; no code of the reference implementation is copied here.
//
// Layout of this file: constants and the default secret, the small (0-16 bytes), medium (17-240
// bytes) and large (241+ bytes) algorithms, then the streaming hasher, which keeps the large
// algorithm's eight accumulators between calls and reuses the one-shot code for everything else.

/// XXH3-64: a fast, portable, non-cryptographic 64-bit hash (xxHash's XXH3, 64-bit variant).
///
/// The results equal `XXH3_64bits_withSeed` of the reference library (and `xxh3_64_with_seed` of
/// xxhash-rust, `xxhash.xxh3_64_intdigest` in Python) for every input length and seed, on every
/// machine, so hashes may be persisted, logged and compared across processes and hosts. With seed 0
/// the result is also that of plain `XXH3_64bits`.
///
/// ```swift
/// let blockHash = XXH3.hash64(tokenBytes, seed: saltHash)
/// ```
///
/// Use ``XXH3Hasher`` to hash data that arrives in pieces; it gives the same value as one call over
/// the concatenation. Not for cryptography: collisions can be built on purpose.
public enum XXH3 {
    /// The XXH3-64 hash of `bytes` with `seed`.
    ///
    /// - Parameters:
    ///   - bytes: The input; may be empty (its base address may then be `nil`).
    ///   - seed: The seed; 0 gives the unseeded `XXH3_64bits` value.
    /// - Returns: `XXH3_64bits_withSeed(bytes, seed)`.
    /// - Complexity: O(n). Does not allocate.
    public static func hash64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        if bytes.count <= midSizeMax {
            return defaultSecret.withUnsafeBytes { secret in
                hashShort(bytes, seed: seed, secret: secret)
            }
        }
        guard let input = bytes.baseAddress else { return 0 }  // unreachable: count > 240
        return withLongSecret(seed: seed) { secret in
            hashLong(input, count: bytes.count, secret: secret)
        }
    }

    /// The XXH3-64 hash of `bytes` with `seed`.
    ///
    /// - Parameters:
    ///   - bytes: The input; may be empty.
    ///   - seed: The seed; 0 gives the unseeded `XXH3_64bits` value.
    /// - Returns: `XXH3_64bits_withSeed(bytes, seed)`.
    /// - Complexity: O(n). Does not allocate.
    public static func hash64(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash64($0, seed: seed) }
    }
}

// MARK: - Constants

extension XXH3 {
    static let prime32_1: UInt64 = 0x9E37_79B1
    static let prime32_2: UInt64 = 0x85EB_CA77
    static let prime32_3: UInt64 = 0xC2B2_AE3D
    static let prime64_1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime64_2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime64_3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime64_4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime64_5: UInt64 = 0x27D4_EB2F_1656_67C5
    static let primeMX1: UInt64 = 0x1656_6791_9E37_79F9
    static let primeMX2: UInt64 = 0x9FB2_1C65_1E98_DF25

    /// Length in bytes of the default secret (and of a secret derived from a seed).
    static let secretSize = 192
    /// Bytes in one stripe of the large algorithm: eight 64-bit lanes.
    static let stripeSize = 64
    /// How far the secret advances from one stripe to the next, in bytes.
    static let secretConsumeRate = 8
    /// Stripes per block: `(secretSize - stripeSize) / secretConsumeRate`.
    static let stripesPerBlock = 16
    /// Bytes per block: `stripesPerBlock * stripeSize`.
    static let blockSize = 1024
    /// Offset in the secret of the 64 bytes that scramble the accumulators after each block.
    static let scrambleSecretOffset = 128
    /// Offset in the secret used for the final (possibly overlapping) stripe.
    static let lastStripeSecretOffset = 121
    /// Offset in the secret used to merge the accumulators into the result.
    static let mergeSecretOffset = 11
    /// The longest input hashed by the medium algorithm; longer inputs take the large one.
    static let midSizeMax = 240

    /// The 192-byte default secret of the specification.
    static let defaultSecret: [UInt8] = [
        0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
        0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
        0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
        0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
        0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
        0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
        0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
        0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
        0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
        0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
        0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
        0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
    ]

    /// The accumulators' starting values for the large algorithm.
    static let initialAccumulators = SIMD8<UInt64>(
        prime32_3, prime64_1, prime64_2, prime64_3, prime64_4, prime32_2, prime64_5, prime32_1
    )
}

// MARK: - Primitives

extension XXH3 {
    /// The little-endian 64-bit word at `offset` in `buffer`.
    @inline(__always)
    static func read64(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The little-endian 32-bit word at `offset` in `buffer`.
    @inline(__always)
    static func read32(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The little-endian 64-bit word at `offset` bytes past `pointer`.
    @inline(__always)
    static func read64(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The eight little-endian 64-bit lanes of the 64 bytes at `pointer`.
    @inline(__always)
    static func readLanes(_ pointer: UnsafeRawPointer) -> SIMD8<UInt64> {
        #if _endian(little)
        return pointer.loadUnaligned(as: SIMD8<UInt64>.self)
        #else
        var lanes = SIMD8<UInt64>()
        for lane in 0..<8 { lanes[lane] = read64(pointer, 8 &* lane) }
        return lanes
        #endif
    }

    /// The full 128-bit product of `a` and `b`, folded to 64 bits by xoring its halves.
    @inline(__always)
    static func multiplyFold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// XXH64's final mix, used by XXH3 for inputs of 0 to 3 bytes.
    @inline(__always)
    static func avalancheXXH64(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x &>> 33
        x &*= prime64_2
        x ^= x &>> 29
        x &*= prime64_3
        x ^= x &>> 32
        return x
    }

    /// XXH3's own, shorter final mix.
    @inline(__always)
    static func avalanche(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x &>> 37
        x &*= primeMX1
        x ^= x &>> 32
        return x
    }

    /// The final mix for inputs of 4 to 8 bytes ("rrmxmx"), which also folds in the length.
    @inline(__always)
    static func rrmxmx(_ value: UInt64, length: Int) -> UInt64 {
        var x = value
        x ^= x.rotatedLeft(by: 49) ^ x.rotatedLeft(by: 24)
        x &*= primeMX2
        x ^= (x &>> 35) &+ UInt64(truncatingIfNeeded: length)
        x &*= primeMX2
        x ^= x &>> 28
        return x
    }

    /// Mixes the 16 input bytes at `inputOffset` with the 16 secret bytes at `secretOffset` and the seed.
    @inline(__always)
    static func mix16(
        _ input: UnsafeRawBufferPointer, _ inputOffset: Int,
        _ secret: UnsafeRawBufferPointer, _ secretOffset: Int,
        seed: UInt64
    ) -> UInt64 {
        let low = read64(input, inputOffset) ^ (read64(secret, secretOffset) &+ seed)
        let high = read64(input, inputOffset &+ 8) ^ (read64(secret, secretOffset &+ 8) &- seed)
        return multiplyFold(low, high)
    }
}

extension UInt64 {
    /// The value rotated left by `count` bits (0 < `count` < 64).
    @inline(__always)
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self &<< count) | (self &>> (64 &- count))
    }
}

// MARK: - Inputs of 0 to 240 bytes

extension XXH3 {
    /// The hash of an input of at most 240 bytes, which always uses `secret` (the default one) and `seed`.
    static func hashShort(_ input: UnsafeRawBufferPointer, seed: UInt64, secret: UnsafeRawBufferPointer) -> UInt64 {
        let length = input.count
        if length <= 16 {
            if length > 8 { return hash9to16(input, seed: seed, secret: secret) }
            if length >= 4 { return hash4to8(input, seed: seed, secret: secret) }
            if length > 0 { return hash1to3(input, seed: seed, secret: secret) }
            return avalancheXXH64(seed ^ read64(secret, 56) ^ read64(secret, 64))
        }
        if length <= 128 { return hash17to128(input, seed: seed, secret: secret) }
        return hash129to240(input, seed: seed, secret: secret)
    }

    @inline(__always)
    static func hash1to3(_ input: UnsafeRawBufferPointer, seed: UInt64, secret: UnsafeRawBufferPointer) -> UInt64 {
        let length = input.count
        let first = UInt32(input[0])
        let middle = UInt32(input[length &>> 1])
        let last = UInt32(input[length &- 1])
        let combined = (first &<< 16) | (middle &<< 24) | last | (UInt32(truncatingIfNeeded: length) &<< 8)
        let flip = UInt64(read32(secret, 0) ^ read32(secret, 4)) &+ seed
        return avalancheXXH64(UInt64(combined) ^ flip)
    }

    @inline(__always)
    static func hash4to8(_ input: UnsafeRawBufferPointer, seed: UInt64, secret: UnsafeRawBufferPointer) -> UInt64 {
        let length = input.count
        let modifiedSeed = seed ^ (UInt64(UInt32(truncatingIfNeeded: seed).byteSwapped) &<< 32)
        let first = UInt64(read32(input, 0))
        let last = UInt64(read32(input, length &- 4))
        let flip = (read64(secret, 8) ^ read64(secret, 16)) &- modifiedSeed
        return rrmxmx((last | (first &<< 32)) ^ flip, length: length)
    }

    @inline(__always)
    static func hash9to16(_ input: UnsafeRawBufferPointer, seed: UInt64, secret: UnsafeRawBufferPointer) -> UInt64 {
        let length = input.count
        let low = read64(input, 0) ^ ((read64(secret, 24) ^ read64(secret, 32)) &+ seed)
        let high = read64(input, length &- 8) ^ ((read64(secret, 40) ^ read64(secret, 48)) &- seed)
        let sum = UInt64(truncatingIfNeeded: length) &+ low.byteSwapped &+ high &+ multiplyFold(low, high)
        return avalanche(sum)
    }

    @inline(__always)
    static func hash17to128(_ input: UnsafeRawBufferPointer, seed: UInt64, secret: UnsafeRawBufferPointer) -> UInt64 {
        let length = input.count
        var acc = UInt64(truncatingIfNeeded: length) &* prime64_1
        if length > 32 {
            if length > 64 {
                if length > 96 {
                    acc &+= mix16(input, 48, secret, 96, seed: seed)
                    acc &+= mix16(input, length &- 64, secret, 112, seed: seed)
                }
                acc &+= mix16(input, 32, secret, 64, seed: seed)
                acc &+= mix16(input, length &- 48, secret, 80, seed: seed)
            }
            acc &+= mix16(input, 16, secret, 32, seed: seed)
            acc &+= mix16(input, length &- 32, secret, 48, seed: seed)
        }
        acc &+= mix16(input, 0, secret, 0, seed: seed)
        acc &+= mix16(input, length &- 16, secret, 16, seed: seed)
        return avalanche(acc)
    }

    static func hash129to240(_ input: UnsafeRawBufferPointer, seed: UInt64, secret: UnsafeRawBufferPointer) -> UInt64 {
        let length = input.count
        var acc = UInt64(truncatingIfNeeded: length) &* prime64_1
        for chunk in 0..<8 {
            acc &+= mix16(input, 16 &* chunk, secret, 16 &* chunk, seed: seed)
        }
        acc = avalanche(acc)
        for chunk in 8..<(length &>> 4) {
            acc &+= mix16(input, 16 &* chunk, secret, 16 &* (chunk &- 8) &+ 3, seed: seed)
        }
        acc &+= mix16(input, length &- 16, secret, 119, seed: seed)
        return avalanche(acc)
    }
}

// MARK: - Inputs of more than 240 bytes

extension XXH3 {
    /// Runs `body` with the secret the large algorithm uses for `seed`: the default secret for seed 0,
    /// otherwise the default secret with `seed` added to its even and subtracted from its odd 64-bit
    /// words (built on the stack).
    @inline(__always)
    static func withLongSecret<R>(seed: UInt64, _ body: (UnsafeRawPointer) -> R) -> R {
        if seed == 0 {
            return defaultSecret.withUnsafeBytes { secret in
                // The default secret is a non-empty array, so its base address exists.
                body(UnsafeRawPointer(secret.baseAddress.unsafelyUnwrapped))
            }
        }
        return withUnsafeTemporaryAllocation(byteCount: secretSize, alignment: 16) { derived in
            deriveSecret(seed: seed, into: derived)
            return body(UnsafeRawPointer(derived.baseAddress.unsafelyUnwrapped))
        }
    }

    /// Writes the secret derived from `seed` into `destination` (at least 192 bytes).
    static func deriveSecret(seed: UInt64, into destination: UnsafeMutableRawBufferPointer) {
        defaultSecret.withUnsafeBytes { secret in
            for pair in 0..<(secretSize / 16) {
                let offset = 16 &* pair
                destination.storeBytes(of: (read64(secret, offset) &+ seed).littleEndian,
                                       toByteOffset: offset, as: UInt64.self)
                destination.storeBytes(of: (read64(secret, offset &+ 8) &- seed).littleEndian,
                                       toByteOffset: offset &+ 8, as: UInt64.self)
            }
        }
    }

    /// Mixes one 64-byte stripe at `input` into the accumulators, keyed by the 64 secret bytes at `secret`.
    @inline(__always)
    static func accumulateStripe(_ acc: inout SIMD8<UInt64>, _ input: UnsafeRawPointer, _ secret: UnsafeRawPointer) {
        let data = readLanes(input)
        let keyed = data ^ readLanes(secret)
        let product = (keyed & 0xFFFF_FFFF) &* (keyed &>> 32)
        let swapped = SIMD8<UInt64>(data[1], data[0], data[3], data[2], data[5], data[4], data[7], data[6])
        acc &+= swapped &+ product
    }

    /// Mixes `count` consecutive stripes into the accumulators; the first uses the secret at
    /// `secret + 8 * firstStripe`, each following one 8 bytes further.
    @inline(__always)
    static func accumulateStripes(
        _ acc: inout SIMD8<UInt64>, _ input: UnsafeRawPointer, count: Int,
        _ secret: UnsafeRawPointer, firstStripe: Int
    ) {
        var stripe = 0
        while stripe < count {
            accumulateStripe(&acc, input + stripe &* stripeSize,
                             secret + (firstStripe &+ stripe) &* secretConsumeRate)
            stripe &+= 1
        }
    }

    /// Scrambles the accumulators at the end of a block.
    @inline(__always)
    static func scramble(_ acc: inout SIMD8<UInt64>, _ secret: UnsafeRawPointer) {
        var value = acc
        value ^= value &>> 47
        value ^= readLanes(secret + scrambleSecretOffset)
        acc = value &* prime32_1
    }

    /// Merges the accumulators into the final hash of an input of `length` bytes.
    static func merge(_ acc: SIMD8<UInt64>, length: UInt64, _ secret: UnsafeRawPointer) -> UInt64 {
        var result = length &* prime64_1
        for pair in 0..<4 {
            let offset = mergeSecretOffset &+ 16 &* pair
            result &+= multiplyFold(acc[2 &* pair] ^ read64(secret, offset),
                                    acc[2 &* pair &+ 1] ^ read64(secret, offset &+ 8))
        }
        return avalanche(result)
    }

    /// The hash of `count` (more than 240) bytes at `input` with the 192-byte `secret`.
    static func hashLong(_ input: UnsafeRawPointer, count: Int, secret: UnsafeRawPointer) -> UInt64 {
        var acc = initialAccumulators
        let blocks = (count &- 1) / blockSize
        var block = 0
        while block < blocks {
            accumulateStripes(&acc, input + block &* blockSize, count: stripesPerBlock, secret, firstStripe: 0)
            scramble(&acc, secret)
            block &+= 1
        }
        let tail = blocks &* blockSize
        accumulateStripes(&acc, input + tail, count: (count &- 1 &- tail) / stripeSize, secret, firstStripe: 0)
        accumulateStripe(&acc, input + (count &- stripeSize), secret + lastStripeSecretOffset)
        return merge(acc, length: UInt64(truncatingIfNeeded: count), secret)
    }
}

// MARK: - Streaming
