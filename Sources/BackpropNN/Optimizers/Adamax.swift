import BackpropTensor
import BackpropAutograd
/// Adamax (Kingma & Ba, 2015, §7), exactly as PyTorch's `torch.optim.Adamax`: Adam with the
/// second moment replaced by an exponentially weighted infinity norm.
///
/// ```
/// g ← ∇w + λ w
/// m ← β₁ m + (1 - β₁) g
/// u ← max(β₂ u, |g| + ε)
/// w ← w - lr / (1 - β₁ᵗ) · m / u
/// ```
/// Defaults as PyTorch: `lr = 2e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`.
public final class Adamax: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The decays of the first and second moment estimates.
    public let betas: (Double, Double)
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    var states = ParameterStates()

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8) {
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
            fatalError("Adamax: invalid betas \(betas) (each must lie in [0, 1))")
        }
        guard eps >= 0 else { fatalError("Adamax: invalid eps \(eps) (must be >= 0)") }
        parameterGroups = checkedGroups(groups, optimizer: "Adamax")
        self.betas = betas
        self.eps = eps
    }

    var name: String { "Adamax" }
    var bufferNames: [String] { ["exp_avg", "exp_inf"] }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        let n = p.value.count
        let w = p.value.uniquePointer(T.self)
        let m = s.pointer("exp_avg", T.self), u = s.pointer("exp_inf", T.self)
        let stepSize = T(-group.lr / (1 - pow(betas.0, Double(s.step))))
        let oneMinusBeta1 = T(1 - betas.0), beta2 = T(betas.1), eps = T(eps)
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { b in
                let g = b.gradient
                for i in b.range {
                    m[i] = lerp(m[i], g[i], oneMinusBeta1)
                    u[i] = Swift.max(u[i] * beta2, Swift.abs(g[i]) + eps)
                    w[i] = w[i] + stepSize * m[i] / u[i]
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
