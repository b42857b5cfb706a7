/// Runs a function several times on the same inputs and reports every output that differs from the
/// first run's: a pure function (what recompute rules must be, for replay to equal live) never does.
public struct PurityValidator: Sendable {
    /// Runs per input, at least 2.
    public let runs: Int

    /// A validator making `runs` runs (clamped to at least 2; the original's default is 3).
    public init(runs: Int = 3) {
        self.runs = max(2, runs)
    }

    /// One differing output: the input, the first run's output, and what run `run` gave instead.
    public struct Failure<Input, Output> {
        public let input: Input
        public let expected: Output
        public let observed: Output
        public let run: Int
    }

    /// What validation found.
    public struct Report<Input, Output> {
        /// Runs made per input.
        public let runs: Int
        /// Inputs tried.
        public let samples: Int
        /// Every output that differed from the first run's, in input then run order.
        public let failures: [Failure<Input, Output>]
        /// Whether no output differed.
        public var isPure: Bool { failures.isEmpty }
    }

    /// Calls `function` ``runs`` times on every input and compares each output with the first.
    ///
    /// Outputs are equal when `==` says so, or when both are unequal to themselves (NaN), so a function
    /// that always returns NaN is pure.
    public func validate<Input, Output: Equatable>(_ inputs: [Input], _ function: (Input) throws -> Output) rethrows -> Report<Input, Output> {
        var failures: [Failure<Input, Output>] = []
        for input in inputs {
            let expected = try function(input)
            for run in 1..<runs {
                let observed = try function(input)
                if !Self.same(expected, observed) { failures.append(Failure(input: input, expected: expected, observed: observed, run: run)) }
            }
        }
        return Report(runs: runs, samples: inputs.count, failures: failures)
    }

    /// Whether ⊕ and ⊗ folds of every sample give the same result every run (the original's
    /// `validate_semiring`, without its spurious failures on NaN).
    public func validate<S: Semiring>(_ semiring: S.Type, samples: [[S.Element]]) -> Bool {
        // Compared as scalars: an array holding NaN compares equal to itself (same storage), not unequal.
        validate(samples) { S.sum($0) }.isPure && validate(samples) { S.product($0) }.isPure
    }

    private static func same<Output: Equatable>(_ a: Output, _ b: Output) -> Bool {
        a == b || (a != a && b != b)
    }
}
