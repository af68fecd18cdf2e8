import BackpropTensor
import BackpropAutograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
/// Options (per group): `beta1`, `beta2`, `eps`, `momentum_decay`, `decoupled_weight_decay`.
public final class NAdam: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, momentumDecay: Double = 4e-3,
                            decoupledWeightDecay: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps,
                  momentumDecay: momentumDecay, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false) {
        super.init(name: "NAdam", groups: groups, hyperparameters: [
            .fraction("beta1", betas.0), .fraction("beta2", betas.1), .nonNegative("eps", eps),
            .nonNegative("momentum_decay", momentumDecay), .flag("decoupled_weight_decay", decoupledWeightDecay)])
    }

    /// PyTorch keeps the product of the μ's in a scalar tensor of the parameter's precision.
    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        ["exp_avg": Tensor.zeros(like: parameter), "exp_avg_sq": Tensor.zeros(like: parameter),
         "mu_product": Tensor(1, dtype: parameter.dtype)]
    }

    /// The step's scalars: `(lr (1 - μ_t) / (1 - Π), lr μ_{t+1} / (1 - Π μ_{t+1}), 1 - β₂ᵗ)`,
    /// after advancing `Π`.
    private func scales(_ s: inout OptimizerState, _ group: ParameterGroup) -> (grad: Double, momentum: Double, correction2: Double) {
        let t = Double(s.step), beta1 = group["beta1"], psi = group["momentum_decay"]
        let mu = beta1 * (1 - 0.5 * pow(0.96, t * psi)), muNext = beta1 * (1 - 0.5 * pow(0.96, (t + 1) * psi))
        s["mu_product"] = s["mu_product"] * mu
        let product = s["mu_product"].item(as: Double.self)
        return (group.lr * (1 - mu) / (1 - product), group.lr * muNext / (1 - product * muNext), 1 - pow(group["beta2"], t))
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let (weightDecay, beta1, beta2) = (group.weightDecay, group["beta1"], group["beta2"])
        let scale = scales(&s, group)
        var g = gradient
        if group.flag("decoupled_weight_decay") { w = w * (1 - group.lr * weightDecay) } else if weightDecay != 0 { g = g + w * weightDecay }
        s["exp_avg"] = s["exp_avg"].lerp(g, weight: 1 - beta1)
        s["exp_avg_sq"] = s["exp_avg_sq"] * beta2 + g * (1 - beta2) * g
        let d = (s["exp_avg_sq"] / Tensor(scale.correction2, dtype: w.dtype)).sqrt() + group["eps"]
        w = w - g * scale.grad / d
        w = w - s["exp_avg"] * scale.momentum / d
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let scale = scales(&s, group), weightDecay = group.weightDecay, decoupled = group.flag("decoupled_weight_decay")
        let gradScale = Float(scale.grad), momentumScale = Float(scale.momentum), correction2 = Float(scale.correction2)
        let oneMinusBeta1 = Float(1 - group["beta1"]), beta2 = Float(group["beta2"]), oneMinusBeta2 = Float(1 - group["beta2"])
        let eps = Float(group["eps"]), shrink = Float(1 - group.lr * weightDecay), n = weights.count
        let w = weights.uniquePointer(Float.self), m = s.pointer("exp_avg"), v = s.pointer("exp_avg_sq")
        gradient.withPointer(Float.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: decoupled ? 0 : weightDecay) { b in
                let g = b.gradient, d = b.scratch
                if decoupled { for i in b.range { w[i] = w[i] * shrink } }
                for i in b.range {
                    m[i] = lerp(m[i], g[i], oneMinusBeta1)
                    v[i] = v[i] * beta2 + g[i] * oneMinusBeta2 * g[i]
                    d[i] = v[i] / correction2
                }
                b.takeSquareRoots(d)
                for i in b.range {
                    w[i] = w[i] - g[i] * gradScale / (d[i] + eps)
                    w[i] = w[i] - m[i] * momentumScale / (d[i] + eps)
                }
            }
        }
        return true
    }
}
