import BackpropTensor
/// Checks analytic gradients against central finite differences, like
/// `torch.autograd.gradcheck`.
///
/// For a function `f` of some inputs, the check reduces a non-scalar output to the scalar
/// `L = Σ w ⊙ f(x)` with fixed random weights `w` (so it checks a vector–Jacobian product, what
/// backward computes), then compares `∂L/∂x_i` from ``Variable/backward(_:retainGraph:createGraph:observer:)``
/// with `(L(x + εe_i) - L(x - εe_i)) / 2ε` for every element of every input. Run it in `Double`.
///
/// ```swift
/// let result = GradientCheck.run(inputs: [Tensor([0.5, -1.2], shape: [2])]) { x in x[0].tanh() }
/// assert(result.passed)
/// ```
public enum GradientCheck {
    /// The outcome of a gradient check.
    public struct Result: CustomStringConvertible, Sendable {
        /// Largest `|analytic - numeric|` over all checked elements.
        public let maxAbsoluteError: Double
        /// Whether every element satisfied `|analytic - numeric| <= atol + rtol·|numeric|`.
        public let passed: Bool
        /// The first failing element, described, if any.
        public let firstFailure: String?

        public var description: String {
            passed ? "gradient check passed (max abs error \(maxAbsoluteError))"
                   : "gradient check FAILED: \(firstFailure ?? "") (max abs error \(maxAbsoluteError))"
        }
    }

    /// Compares the gradient of `function` at `inputs` (converted to `Double`) with finite
    /// differences of step `epsilon`.
    public static func run(inputs: [Tensor], epsilon: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-4,
                           seed: UInt64 = 0, _ function: ([Variable]) -> Variable) -> Result {
        let points = inputs.map { $0.converted(to: .float64) }
        // The fixed weights that turn the output into a scalar.
        let probe = function(points.map { Variable($0) })
        var generator = SplitMix64(seed: seed)
        let weights = probe.value.count == 1
            ? Tensor.ones(probe.shape, dtype: .float64)
            : Tensor.uniform(probe.shape, low: 0.5, high: 1.5, dtype: .float64, generator: &generator)
        func scalarLoss(_ xs: [Tensor]) -> Double {
            withNoGrad { (function(xs.map { Variable($0) }).value * weights).sum().item(as: Double.self) }
        }

        let variables = points.map { Variable($0, requiresGrad: true) }
        let output = function(variables)
        guard output.shape == weights.shape else {
            fatalError("GradientCheck: the function's output shape changed between calls (\(weights.shape) then \(output.shape))")
        }
        if output.requiresGrad { (output * Variable(weights)).sum().backward() }

        var maxError = 0.0
        var failure: String?
        for (index, point) in points.enumerated() {
            let analytic = variables[index].grad?.scalars(as: Double.self) ?? [Double](repeating: 0, count: point.count)
            for i in 0..<point.count {
                var plus = points, minus = points
                plus[index] = point.adding(epsilon, at: i)
                minus[index] = point.adding(-epsilon, at: i)
                let numeric = (scalarLoss(plus) - scalarLoss(minus)) / (2 * epsilon)
                let error = Swift.abs(analytic[i] - numeric)
                maxError = Swift.max(maxError, error.isNaN ? .infinity : error)
                if failure == nil, !(error <= atol + rtol * Swift.abs(numeric)) {
                    failure = "input \(index), element \(i): analytic \(analytic[i]), numeric \(numeric)"
                }
            }
        }
        return Result(maxAbsoluteError: maxError, passed: failure == nil, firstFailure: failure)
    }

    /// Checks second derivatives: runs ``run(inputs:epsilon:atol:rtol:seed:_:)`` on the function
    /// `x ↦ Σ v ⊙ ∂L/∂x` whose gradient is the Hessian-vector product `H·v`, with the first
    /// derivative computed by a backward pass that records its own graph.
    public static func runSecondOrder(inputs: [Tensor], epsilon: Double = 1e-5, atol: Double = 1e-4, rtol: Double = 1e-3,
                                      seed: UInt64 = 1, _ function: @escaping ([Variable]) -> Variable) -> Result {
        var generator = SplitMix64(seed: seed)
        let directions = inputs.map { Tensor.uniform($0.shape, low: -1, high: 1, dtype: .float64, generator: &generator) }
        return run(inputs: inputs, epsilon: epsilon, atol: atol, rtol: rtol, seed: seed) { xs in
            let tracked = xs.map { x -> Variable in
                x.requiresGrad ? x : Variable(x.value, requiresGrad: true)
            }
            let grads = withGradEnabled(true) {
                let y = function(tracked)
                return gradients(of: y.value.count == 1 ? y : y.sum(), withRespectTo: tracked, createGraph: true)
            }
            var total: Variable? = nil
            for (g, v) in zip(grads, directions) {
                guard let g else { continue }
                let term = (g * Variable(v)).sum()
                total = total.map { $0 + term } ?? term
            }
            // Tie the result to the caller's inputs when they are untracked copies.
            return total ?? Variable(Tensor(0, dtype: .float64))
        }
    }
}

extension Tensor {
    /// A copy with `delta` added to the element at a flat offset.
    func adding(_ delta: Double, at offset: Int) -> Tensor {
        var copy = self
        copy.makeUnique()
        switch dtype {
        case .float32: copy.buffer.pointer(Float.self)[offset] += Float(delta)
        case .float64: copy.buffer.pointer(Double.self)[offset] += delta
        }
        return copy
    }
}
