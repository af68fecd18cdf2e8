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
/// Options (per group): `alpha`, `eps`, `momentum`, `centered`.
public final class RMSprop: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], alpha: alpha, eps: eps,
                  momentum: momentum, centered: centered)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0, centered: Bool = false) {
        super.init(name: "RMSprop", groups: groups, hyperparameters: [
            .fraction("alpha", alpha, closed: true), .nonNegative("eps", eps), .nonNegative("momentum", momentum),
            .flag("centered", centered)])
    }

    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        let names = ["square_avg"] + (group["momentum"] > 0 ? ["momentum_buffer"] : []) + (group.flag("centered") ? ["grad_avg"] : [])
        return Dictionary(uniqueKeysWithValues: names.map { ($0, Tensor.zeros(like: parameter)) })
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let (alpha, mu, weightDecay) = (group["alpha"], group["momentum"], group.weightDecay)
        let g = weightDecay != 0 ? gradient + w * weightDecay : gradient
        s["square_avg"] = s["square_avg"] * alpha + g * (1 - alpha) * g
        var variance = s["square_avg"]
        if group.flag("centered") {
            s["grad_avg"] = s["grad_avg"].lerp(g, weight: 1 - alpha)
            variance = variance - s["grad_avg"] * s["grad_avg"]
        }
        let d = variance.sqrt() + group["eps"]
        if mu > 0 {
            s["momentum_buffer"] = s["momentum_buffer"] * mu + g / d
            w = w - s["momentum_buffer"] * group.lr
        } else {
            w = w - g * group.lr / d
        }
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let alpha = Float(group["alpha"]), oneMinusAlpha = Float(1 - group["alpha"]), eps = Float(group["eps"])
        let lr = Float(group.lr), mu = Float(group["momentum"]), n = weights.count
        let w = weights.uniquePointer(Float.self), v = s.pointer("square_avg")
        let a = group.flag("centered") ? s.pointer("grad_avg") : nil, b = mu > 0 ? s.pointer("momentum_buffer") : nil
        gradient.withPointer(Float.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { blk in
                let g = blk.gradient, d = blk.scratch
                for i in blk.range {
                    v[i] = v[i] * alpha + g[i] * oneMinusAlpha * g[i]
                    d[i] = v[i]
                }
                if let a {
                    for i in blk.range {
                        a[i] = lerp(a[i], g[i], oneMinusAlpha)
                        d[i] = d[i] - a[i] * a[i]
                    }
                }
                blk.takeSquareRoots(d)
                if let b {
                    for i in blk.range {
                        b[i] = b[i] * mu + g[i] / (d[i] + eps)
                        w[i] = w[i] - b[i] * lr
                    }
                } else {
                    for i in blk.range { w[i] = w[i] - g[i] * lr / (d[i] + eps) }
                }
            }
        }
        return true
    }
}
