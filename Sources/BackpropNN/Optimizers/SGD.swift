import BackpropTensor
import BackpropAutograd
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
/// decay, exactly as PyTorch's `torch.optim.SGD`:
///
/// ```
/// g ← ∇w + λ w                                   (weight decay λ)
/// b ← g at the first step, else μ b + (1 - τ) g   (momentum μ, dampening τ; only if μ ≠ 0)
/// g ← g + μ b if nesterov, else b
/// w ← w - lr · g
/// ```
public final class SGD: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The momentum factor (0: none).
    public let momentum: Double
    /// The dampening of the momentum's gradient term.
    public let dampening: Double
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    var states = ParameterStates()

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], momentum: momentum,
                  dampening: dampening, nesterov: nesterov)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false) {
        guard momentum >= 0 else { fatalError("SGD: invalid momentum \(momentum) (must be >= 0)") }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            fatalError("SGD: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum \(momentum), dampening \(dampening))")
        }
        parameterGroups = checkedGroups(groups, optimizer: "SGD")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
    }

    var name: String { "SGD" }
    var bufferNames: [String] { momentum != 0 ? ["momentum_buffer"] : [] }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        // PyTorch starts the momentum buffer at the first gradient itself.
        let first = s.step == 1
        let n = p.value.count
        let w = p.value.uniquePointer(T.self)
        let buffer: UnsafeMutablePointer<T>? = momentum != 0 ? s.pointer("momentum_buffer", T.self) : nil
        let lr = T(-group.lr), mu = T(momentum), keep = T(1 - dampening), nesterov = nesterov
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { blk in
                let g = blk.gradient
                guard let b = buffer else {
                    for i in blk.range { w[i] = w[i] + lr * g[i] }
                    return
                }
                if first {
                    for i in blk.range { b[i] = g[i] }
                } else {
                    for i in blk.range { b[i] = b[i] * mu + keep * g[i] }
                }
                if nesterov {
                    for i in blk.range { w[i] = w[i] + lr * (g[i] + mu * b[i]) }
                } else {
                    for i in blk.range { w[i] = w[i] + lr * b[i] }
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { savedState() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try restoreState(state) }
    public func state(of parameter: Variable) -> [String: Tensor] { states.tensors(of: parameter) }
}
