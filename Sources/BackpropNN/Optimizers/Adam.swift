import BackpropTensor
import BackpropAutograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba, 2015), exactly as PyTorch's `torch.optim.Adam`, with bias correction,
/// L2 weight decay (or decoupled decay, see ``AdamW``) and the AMSGrad variant:
///
/// ```
/// g ← ∇w + λ w                         (L2 weight decay λ; decoupled: w ← w (1 - lr λ) instead)
/// m ← β₁ m + (1 - β₁) g
/// v ← β₂ v + (1 - β₂) g²
/// v̂ ← max(v̂, v) if amsgrad, else v     (the running maximum of v)
/// w ← w - lr / (1 - β₁ᵗ) · m / (√v̂ / √(1 - β₂ᵗ) + ε)
/// ```
/// Defaults as PyTorch: `lr = 1e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`, no weight decay.
/// Options (per group): `beta1`, `beta2`, `eps`, `amsgrad`, `decoupled_weight_decay`.
public class Adam: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false,
                            decoupledWeightDecay: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps,
                  amsgrad: amsgrad, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                amsgrad: Bool = false, decoupledWeightDecay: Bool = false) {
        super.init(name: decoupledWeightDecay ? "AdamW" : "Adam", groups: groups, hyperparameters: [
            .fraction("beta1", betas.0), .fraction("beta2", betas.1), .nonNegative("eps", eps),
            .flag("amsgrad", amsgrad), .flag("decoupled_weight_decay", decoupledWeightDecay)])
    }

    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        let names = group.flag("amsgrad") ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
        return Dictionary(uniqueKeysWithValues: names.map { ($0, Tensor.zeros(like: parameter)) })
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let (lr, weightDecay, beta1, beta2, t) = (group.lr, group.weightDecay, group["beta1"], group["beta2"], Double(s.step))
        var g = gradient
        if group.flag("decoupled_weight_decay") { w = w * (1 - lr * weightDecay) } else if weightDecay != 0 { g = g + w * weightDecay }
        s["exp_avg"] = s["exp_avg"].lerp(g, weight: 1 - beta1)
        s["exp_avg_sq"] = s["exp_avg_sq"] * beta2 + g * (1 - beta2) * g
        if group.flag("amsgrad") { s["max_exp_avg_sq"] = s["max_exp_avg_sq"].maximum(s["exp_avg_sq"]) }
        let v = group.flag("amsgrad") ? s["max_exp_avg_sq"] : s["exp_avg_sq"]
        // Divided by a tensor: `/ Double` multiplies by the reciprocal, PyTorch divides.
        let denominator = v.sqrt() / Tensor((1 - pow(beta2, t)).squareRoot(), dtype: w.dtype) + group["eps"]
        w = w + s["exp_avg"] * (-lr / (1 - pow(beta1, t))) / denominator
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let (lr, weightDecay, beta1, beta2, t) = (group.lr, group.weightDecay, group["beta1"], group["beta2"], Double(s.step))
        let stepSize = Float(-lr / (1 - pow(beta1, t))), correction2 = Float((1 - pow(beta2, t)).squareRoot())
        let oneMinusBeta1 = Float(1 - beta1), beta2f = Float(beta2), oneMinusBeta2 = Float(1 - beta2), eps = Float(group["eps"])
        let decoupled = group.flag("decoupled_weight_decay"), shrink = Float(1 - lr * weightDecay), n = weights.count
        let w = weights.uniquePointer(Float.self), m = s.pointer("exp_avg"), v = s.pointer("exp_avg_sq")
        let vMax = group.flag("amsgrad") ? s.pointer("max_exp_avg_sq") : nil
        gradient.withPointer(Float.self) { g in
            if weightDecay == 0 && vMax == nil && Swift.abs(oneMinusBeta1) < 0.5 {
                OptimizerKernels.adam(weights: w, gradient: g, firstMoment: m, secondMoment: v, count: n, stepSize: stepSize,
                                      correction2: correction2, oneMinusBeta1: oneMinusBeta1, beta2: beta2f,
                                      oneMinusBeta2: oneMinusBeta2, eps: eps)
                return
            }
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: decoupled ? 0 : weightDecay) { b in
                let g = b.gradient, d = b.scratch
                if decoupled { for i in b.range { w[i] = w[i] * shrink } }
                for i in b.range {
                    m[i] = lerp(m[i], g[i], oneMinusBeta1)
                    v[i] = v[i] * beta2f + g[i] * oneMinusBeta2 * g[i]
                    d[i] = v[i]
                }
                if let vMax {
                    for i in b.range {
                        vMax[i] = Swift.max(vMax[i], v[i])
                        d[i] = vMax[i]
                    }
                }
                b.takeSquareRoots(d)
                for i in b.range { w[i] = w[i] + m[i] * stepSize / (d[i] / correction2 + eps) }
            }
        }
        return true
    }
}
