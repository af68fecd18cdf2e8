import BackpropTensor
import BackpropAutograd
/// RMSprop (Hinton, 2012), exactly as PyTorch's `torch.optim.RMSprop`, with the centred
/// variant, momentum and weight decay. `ε` is added outside the square root.
///
/// ```
/// g ← ∇w + λ w
/// v ← α v + (1 - α) g²
/// a ← α a + (1 - α) g,  d ← √(v - a²) + ε      if centered
///                        d ← √v + ε             otherwise
/// b ← μ b + g / d,  w ← w - lr · b               if momentum μ > 0
///                    w ← w - lr · g / d          otherwise
/// ```
/// Defaults as PyTorch: `lr = 1e-2`, `alpha = 0.99`, `eps = 1e-8`, no momentum, not centred.
public final class RMSprop: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The decay of the running average of squared gradients.
    public let alpha: Double
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    /// The momentum factor (0: none).
    public let momentum: Double
    /// Whether to normalise by the estimated variance (subtracting the squared mean gradient).
    public let centered: Bool
    var states = ParameterStates()

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], alpha: alpha, eps: eps,
                  momentum: momentum, centered: centered)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0, centered: Bool = false) {
        guard alpha >= 0 else { fatalError("RMSprop: invalid alpha \(alpha) (must be >= 0)") }
        guard eps >= 0 else { fatalError("RMSprop: invalid eps \(eps) (must be >= 0)") }
        guard momentum >= 0 else { fatalError("RMSprop: invalid momentum \(momentum) (must be >= 0)") }
        parameterGroups = checkedGroups(groups, optimizer: "RMSprop")
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum
        self.centered = centered
    }

    var bufferNames: [String] {
        ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
    }

    var name: String { "RMSprop" }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        let n = p.value.count
        let w = p.value.uniquePointer(T.self)
        let v = s.pointer("square_avg", T.self)
        let a: UnsafeMutablePointer<T>? = centered ? s.pointer("grad_avg", T.self) : nil
        let b: UnsafeMutablePointer<T>? = momentum > 0 ? s.pointer("momentum_buffer", T.self) : nil
        let lr = T(-group.lr), alpha = T(alpha), oneMinusAlpha = T(1 - self.alpha), eps = T(eps), mu = T(momentum)
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { blk in
                let g = blk.gradient, d = blk.scratch
                for i in blk.range { v[i] = v[i] * alpha + oneMinusAlpha * g[i] * g[i] }
                if let a {
                    for i in blk.range {
                        a[i] = lerp(a[i], g[i], oneMinusAlpha)
                        d[i] = v[i] + -a[i] * a[i]
                    }
                } else {
                    for i in blk.range { d[i] = v[i] }
                }
                blk.takeSquareRoots(d)
                if let b {
                    for i in blk.range {
                        b[i] = b[i] * mu + g[i] / (d[i] + eps)
                        w[i] = w[i] + lr * b[i]
                    }
                } else {
                    for i in blk.range { w[i] = w[i] + lr * g[i] / (d[i] + eps) }
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { savedState() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try restoreState(state) }
    public func state(of parameter: Variable) -> [String: Tensor] { states.tensors(of: parameter) }
}
