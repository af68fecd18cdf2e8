import BackpropTensor
import BackpropAutograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
/// Options (per group): `beta1`, `beta2`, `eps`.
public final class Adamax: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8) {
        super.init(name: "Adamax", groups: groups, hyperparameters: [
            .fraction("beta1", betas.0), .fraction("beta2", betas.1), .nonNegative("eps", eps)])
    }

    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        ["exp_avg": Tensor.zeros(like: parameter), "exp_inf": Tensor.zeros(like: parameter)]
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let g = group.weightDecay != 0 ? gradient + w * group.weightDecay : gradient
        s["exp_avg"] = s["exp_avg"].lerp(g, weight: 1 - group["beta1"])
        s["exp_inf"] = (s["exp_inf"] * group["beta2"]).maximum(g.abs() + group["eps"])
        w = w + s["exp_avg"] * (-group.lr / (1 - pow(group["beta1"], Double(s.step)))) / s["exp_inf"]
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let stepSize = Float(-group.lr / (1 - pow(group["beta1"], Double(s.step))))
        let oneMinusBeta1 = Float(1 - group["beta1"]), beta2 = Float(group["beta2"]), eps = Float(group["eps"])
        let n = weights.count, w = weights.uniquePointer(Float.self), m = s.pointer("exp_avg"), u = s.pointer("exp_inf")
        gradient.withPointer(Float.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { b in
                let g = b.gradient
                for i in b.range {
                    m[i] = lerp(m[i], g[i], oneMinusBeta1)
                    u[i] = Swift.max(u[i] * beta2, Swift.abs(g[i]) + eps)
                    w[i] = w[i] + m[i] * stepSize / u[i]
                }
            }
        }
        return true
    }
}
