/// A rule given as a function returning the page's new bytes.
struct FunctionRule: PageRule {
    let compute: @Sendable (RuleInputs) throws -> [UInt8]

    func recompute(_ inputs: RuleInputs, into output: UnsafeMutableRawBufferPointer) throws {
        let bytes = try compute(inputs)
        guard bytes.count == output.count else {
            throw RuleError.wrongLength(page: inputs.page, expected: output.count, found: bytes.count)
        }
        output.copyBytes(from: bytes)
    }
}

/// A copy of the single data parent, optionally transformed.
struct PassthroughRule: PageRule {
    let transform: (@Sendable ([UInt8]) throws -> [UInt8])?

    func recompute(_ inputs: RuleInputs, into output: UnsafeMutableRawBufferPointer) throws {
        guard inputs.count == 1 else {
            throw RuleError.missingInput(page: inputs.page, reason: "a passthrough needs exactly one data parent, it has \(inputs.count)")
        }
        let source = inputs[0].bytes
        if let transform {
            let bytes = try transform(Array(source))
            guard bytes.count == output.count else {
                throw RuleError.wrongLength(page: inputs.page, expected: output.count, found: bytes.count)
            }
            output.copyBytes(from: bytes)
        } else {
            guard source.count == output.count else {
                throw RuleError.wrongLength(page: inputs.page, expected: output.count, found: source.count)
            }
            output.copyMemory(from: source)
        }
    }
}

/// `page[i] = ⊕ over parents p of (weight(p → page) ⊗ p[i])` over a semiring's elements.
struct SemiringRule<S: Semiring>: PageRule {
    func recompute(_ inputs: RuleInputs, into output: UnsafeMutableRawBufferPointer) throws {
        try Self.check(page: inputs.page, size: output.count, parents: inputs.all.map { ($0.page, $0.bytes.count) })
        let width = S.elementByteCount
        let weights = inputs.all.map { $0.weight?.element(in: S.self) ?? S.one }
        for start in stride(from: 0, to: output.count, by: width) {
            var sum = S.zero
            for (index, input) in inputs.all.enumerated() {
                let element = S.element(from: UnsafeRawBufferPointer(rebasing: input.bytes[start..<(start + width)]))
                sum = S.add(sum, S.multiply(weights[index], element))
            }
            S.store(sum, into: UnsafeMutableRawBufferPointer(rebasing: output[start..<(start + width)]))
        }
    }

    /// Checks that the page and its parents can be read as vectors of the same length.
    static func check(page: PageID, size: Int, parents: [(PageID, Int)]) throws(RuleError) {
        let width = S.elementByteCount
        guard width <= 8 else {
            throw .incompatibleSize(page: page, reason: "\(S.self) elements take \(width) bytes; edge weights hold at most 8")
        }
        guard size % width == 0 else {
            throw .incompatibleSize(page: page, reason: "\(size) bytes is not a whole number of \(width)-byte \(S.self) elements")
        }
        for (parent, parentSize) in parents where parentSize != size {
            throw .incompatibleSize(page: page, reason: "data parent \(parent) holds \(parentSize) bytes, the page \(size)")
        }
    }
}

/// Rules that can be checked against page sizes when they are registered.
protocol SizeCheckedRule {
    func check(page: PageID, size: Int) throws(RuleError)
}

extension SemiringRule: SizeCheckedRule {
    func check(page: PageID, size: Int) throws(RuleError) { try Self.check(page: page, size: size, parents: []) }
}
