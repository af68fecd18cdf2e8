import BackpropTensor
import BackpropAutograd
/// NAdam (Dozat, 2016): Adam with Nesterov momentum, exactly as PyTorch's `torch.optim.NAdam`,
/// including its momentum schedule `μ_t = β₁ (1 - ½ · 0.96^(t · ψ))` (ψ = momentumDecay):
///
/// ```
/// g ← ∇w + λ w                      (decoupled: w ← w (1 - lr λ) instead)
/// Π ← Π · μ_t                       (the running product of the μ's, starting at 1)
/// m ← β₁ m + (1 - β₁) g
/// v ← β₂ v + (1 - β₂) g²
/// d ← √(v / (1 - β₂ᵗ)) + ε
/// w ← w - lr (1 - μ_t) / (1 - Π) · g / d - lr μ_{t+1} / (1 - Π μ_{t+1}) · m / d
/// ```
/// Defaults as PyTorch: `lr = 2e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`, `momentumDecay = 4e-3`.
public final class NAdam: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The decays of the first and second moment estimates.
    public let betas: (Double, Double)
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    /// `ψ` in the momentum schedule `μ_t = β₁ (1 - ½ · 0.96^(t ψ))`.
    public let momentumDecay: Double
    /// Whether weight decay shrinks the weights directly instead of adding `λw` to the gradient.
    public let decoupledWeightDecay: Bool
    var states = ParameterStates()

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, momentumDecay: Double = 4e-3,
                            decoupledWeightDecay: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps,
                  momentumDecay: momentumDecay, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false) {
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
            fatalError("NAdam: invalid betas \(betas) (each must lie in [0, 1))")
        }
        guard eps >= 0 else { fatalError("NAdam: invalid eps \(eps) (must be >= 0)") }
        guard momentumDecay >= 0 else { fatalError("NAdam: invalid momentumDecay \(momentumDecay) (must be >= 0)") }
        parameterGroups = checkedGroups(groups, optimizer: "NAdam")
        self.betas = betas
        self.eps = eps
        self.momentumDecay = momentumDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    var name: String { "NAdam" }
    var bufferNames: [String] { ["exp_avg", "exp_avg_sq", "mu_product"] }
    var scalarBufferNames: [String] { ["mu_product"] }
    func makeBuffers(for parameter: Variable) -> [String: Tensor] {
        ["exp_avg": Tensor.zeros(like: parameter.value), "exp_avg_sq": Tensor.zeros(like: parameter.value),
         "mu_product": Tensor(1, dtype: parameter.dtype)]
    }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        let n = p.value.count
        let t = Double(s.step)
        let mu = betas.0 * (1 - 0.5 * pow(0.96, t * momentumDecay))
        let muNext = betas.0 * (1 - 0.5 * pow(0.96, (t + 1) * momentumDecay))
        // PyTorch keeps the product in a scalar tensor of the parameter's precision.
        let product = s.pointer("mu_product", T.self)
        product[0] = product[0] * T(mu)
        let muProduct = Double(product[0])
        let gradScale = T(-group.lr * (1 - mu) / (1 - muProduct))
        let momentumScale = T(-group.lr * muNext / (1 - muProduct * muNext))
        let correction2 = T(1 - pow(betas.1, t))
        let w = p.value.uniquePointer(T.self)
        let m = s.pointer("exp_avg", T.self), v = s.pointer("exp_avg_sq", T.self)
        let oneMinusBeta1 = T(1 - betas.0), beta2 = T(betas.1), oneMinusBeta2 = T(1 - betas.1), eps = T(eps)
        let l2 = !decoupledWeightDecay && group.weightDecay != 0
        let shrink = decoupledWeightDecay && group.weightDecay != 0, shrinkFactor = T(1 - group.lr * group.weightDecay)
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: l2 ? group.weightDecay : 0) { b in
                let g = b.gradient, d = b.scratch
                if shrink { for i in b.range { w[i] = w[i] * shrinkFactor } }
                for i in b.range {
                    m[i] = lerp(m[i], g[i], oneMinusBeta1)
                    v[i] = v[i] * beta2 + oneMinusBeta2 * g[i] * g[i]
                    d[i] = v[i] / correction2
                }
                b.takeSquareRoots(d)
                for i in b.range {
                    w[i] = w[i] + gradScale * g[i] / (d[i] + eps)
                    w[i] = w[i] + momentumScale * m[i] / (d[i] + eps)
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { savedState() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try restoreState(state) }
    public func state(of parameter: Variable) -> [String: Tensor] { states.tensors(of: parameter) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
