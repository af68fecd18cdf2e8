import BackpropTensor
import BackpropAutograd
/// Adagrad (Duchi et al., 2011), exactly as PyTorch's `torch.optim.Adagrad`: each weight's step
/// shrinks with the sum of its squared gradients. `ε` is added outside the square root.
///
/// ```
/// g ← ∇w + λ w
/// s ← s + g²                       (s starts at initialAccumulatorValue)
/// w ← w - lr / (1 + (t - 1) · lrDecay) · g / (√s + ε)
/// ```
/// Defaults as PyTorch: `lr = 1e-2`, `lrDecay = 0`, `initialAccumulatorValue = 0`, `eps = 1e-10`.
public final class Adagrad: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The learning-rate decay per step.
    public let lrDecay: Double
    /// The starting value of the sum of squared gradients.
    public let initialAccumulatorValue: Double
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    var states = ParameterStates()

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], lrDecay: lrDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], lrDecay: Double = 0, initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        guard lrDecay >= 0 else { fatalError("Adagrad: invalid lrDecay \(lrDecay) (must be >= 0)") }
        guard initialAccumulatorValue >= 0 else {
            fatalError("Adagrad: invalid initialAccumulatorValue \(initialAccumulatorValue) (must be >= 0)")
        }
        guard eps >= 0 else { fatalError("Adagrad: invalid eps \(eps) (must be >= 0)") }
        parameterGroups = checkedGroups(groups, optimizer: "Adagrad")
        self.lrDecay = lrDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.eps = eps
    }

    var name: String { "Adagrad" }
    var bufferNames: [String] { ["sum"] }
    func makeBuffers(for parameter: Variable) -> [String: Tensor] {
        ["sum": Tensor.full(parameter.shape, value: initialAccumulatorValue, dtype: parameter.dtype)]
    }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        let n = p.value.count
        let w = p.value.uniquePointer(T.self)
        let sum = s.pointer("sum", T.self)
        let stepSize = T(-group.lr / (1 + Double(s.step - 1) * lrDecay))
        let eps = T(eps)
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { b in
                let g = b.gradient, s = b.scratch
                for i in b.range {
                    sum[i] = sum[i] + g[i] * g[i]
                    s[i] = sum[i]
                }
                b.takeSquareRoots(s)
                for i in b.range { w[i] = w[i] + stepSize * g[i] / (s[i] + eps) }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { savedState() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try restoreState(state) }
    public func state(of parameter: Variable) -> [String: Tensor] { states.tensors(of: parameter) }
}
