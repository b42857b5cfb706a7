import MMSB
import Testing

/// The semiring laws, checked on random elements of every standard semiring.
///
/// Elements are drawn so that floating-point arithmetic stays exact (small integers, sixteenths,
/// infinities where the semiring's set has them), so the laws must hold bit for bit.
@Suite struct SemiringLawTests {
    private static func checkLaws<S: Semiring>(_: S.Type, samples: Int = 400, draw: (inout SplitMix64) -> S.Element) {
        var random = SplitMix64(seed: 0x5E_41_1E)
        for _ in 0..<samples {
            let (a, b, c) = (draw(&random), draw(&random), draw(&random))
            #expect(S.add(S.add(a, b), c) == S.add(a, S.add(b, c)), "⊕ associative: \(a) \(b) \(c)")
            #expect(S.add(a, b) == S.add(b, a), "⊕ commutative: \(a) \(b)")
            #expect(S.multiply(S.multiply(a, b), c) == S.multiply(a, S.multiply(b, c)), "⊗ associative: \(a) \(b) \(c)")
            #expect(S.add(a, S.zero) == a && S.add(S.zero, a) == a, "zero is the ⊕ identity: \(a)")
            #expect(S.multiply(a, S.one) == a && S.multiply(S.one, a) == a, "one is the ⊗ identity: \(a)")
            #expect(S.multiply(a, S.add(b, c)) == S.add(S.multiply(a, b), S.multiply(a, c)), "left distributive: \(a) \(b) \(c)")
            #expect(S.multiply(S.add(a, b), c) == S.add(S.multiply(a, c), S.multiply(b, c)), "right distributive: \(a) \(b) \(c)")
            #expect(S.multiply(S.zero, a) == S.zero && S.multiply(a, S.zero) == S.zero, "zero annihilates: \(a)")
        }
    }

    private static func integer(_ random: inout SplitMix64, _ range: ClosedRange<Int>) -> Double { Double(Int.random(in: range, using: &random)) }

    @Test func tropical() {
        Self.checkLaws(TropicalSemiring.self) { random in random.next() % 8 == 0 ? .infinity : Self.integer(&random, -1_000...1_000) }
    }

    @Test func maxPlus() {
        Self.checkLaws(MaxPlusSemiring.self) { random in random.next() % 8 == 0 ? -.infinity : Self.integer(&random, -1_000...1_000) }
    }

    @Test func real() {
        Self.checkLaws(RealSemiring.self) { random in Self.integer(&random, -40...40) }
    }

    @Test func bottleneck() {
        Self.checkLaws(BottleneckSemiring.self) { random in
            switch random.next() % 6 {
            case 0: -.infinity
            case 1: .infinity
            default: Double(Int.random(in: -1_000...1_000, using: &random)) / 4
            }
        }
    }

    @Test func viterbi() {
        Self.checkLaws(ViterbiSemiring.self) { random in Double(Int.random(in: 0...16, using: &random)) / 16 }
    }

    @Test func boolean() {
        Self.checkLaws(BooleanSemiring.self) { random in random.next() & 1 == 1 }
    }

    @Test func counting() {
        Self.checkLaws(CountingSemiring.self) { random in
            switch random.next() % 5 {
            case 0: UInt64.max
            case 1: random.next() >> UInt64.random(in: 0...40, using: &random)
            default: UInt64.random(in: 0...1_000, using: &random)
            }
        }
    }

    @Test func countingSaturatesAtInfinity() {
        #expect(CountingSemiring.add(.max - 1, 5) == .max)
        #expect(CountingSemiring.multiply(1 << 40, 1 << 40) == .max)
        #expect(CountingSemiring.multiply(.max, 0) == 0)
    }
}

/// The original's folds, accumulate and purity examples (spec §8), and element storage.
@Suite struct SemiringOperationTests {
    @Test func emptyFoldsAreTheIdentities() {
        #expect(TropicalSemiring.sum([]) == .infinity)
        #expect(TropicalSemiring.product([]) == 0)
        #expect(BooleanSemiring.sum([]) == false)
        #expect(BooleanSemiring.product([]) == true)
    }

    @Test func foldsAndAccumulate() {
        #expect(TropicalSemiring.sum([3, 1, 2]) == 1)
        #expect(TropicalSemiring.product([3, 1, 2]) == 6)
        #expect(BooleanSemiring.sum([false, true]) == true)
        #expect(BooleanSemiring.product([true, false]) == false)
        let tropical = TropicalSemiring.accumulate(4, 7)
        #expect(tropical.sum == 4 && tropical.product == 11)
        let boolean = BooleanSemiring.accumulate(true, false)
        #expect(boolean.sum == true && boolean.product == false)
        #expect(ViterbiSemiring.sum([0.25, 0.5]) == 0.5)
        #expect(ViterbiSemiring.product([0.5, 0.5]) == 0.25)
        #expect(BottleneckSemiring.product([5, 3, 9]) == 3)
        #expect(CountingSemiring.sum([2, 3]) == 5)
    }

    @Test func elementsRoundTripThroughPageBytes() {
        func roundTrip<S: Semiring>(_: S.Type, _ values: [S.Element]) {
            for value in values {
                var bytes = [UInt8](repeating: 0xEE, count: S.elementByteCount)
                bytes.withUnsafeMutableBytes { S.store(value, into: $0) }
                #expect(bytes.withUnsafeBytes { S.element(from: $0) } == value)
            }
        }
        roundTrip(TropicalSemiring.self, [0, -1.5, .infinity, 1e300])
        roundTrip(BooleanSemiring.self, [true, false])
        roundTrip(CountingSemiring.self, [0, 1, .max])
        var bytes = [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeMutableBytes { RealSemiring.store(1.0, into: $0) }
        #expect(bytes == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F], "little-endian IEEE 754")
        #expect([UInt8(7)].withUnsafeBytes { BooleanSemiring.element(from: $0) }, "nonzero is true")
    }

    @Test func theOriginalPurityExamplesArePure() {
        let validator = PurityValidator()
        #expect(validator.runs == 3)
        #expect(validator.validate(BooleanSemiring.self, samples: [[true, false], [true, true]]))
        #expect(validator.validate(TropicalSemiring.self, samples: [[0, 1, 2], [3, 4]]))
        #expect(validator.validate(RealSemiring.self, samples: [[.nan, 1]]), "NaN is not a spurious impurity")
    }

    @Test func anImpureFunctionIsReportedWithEveryDifferingRun() {
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        let report = PurityValidator(runs: 4).validate([10, 20]) { (input: Int) -> Int in
            counter.calls += 1
            return input == 20 ? input + counter.calls : input
        }
        #expect(report.runs == 4)
        #expect(report.samples == 2)
        #expect(!report.isPure)
        #expect(report.failures.map(\.run) == [1, 2, 3])
        #expect(report.failures.map(\.input) == [20, 20, 20])
        #expect(report.failures.map(\.expected) == [25, 25, 25])
        #expect(report.failures.map(\.observed) == [26, 27, 28])
        #expect(PurityValidator(runs: 0).runs == 2)
    }
}
