import BackpropTensor
import BackpropAutograd
/// Adadelta (Zeiler, 2012), exactly as PyTorch's `torch.optim.Adadelta`: the step is the ratio
/// of running RMS values of past updates and of gradients, scaled by `lr`.
///
/// ```
/// g ← ∇w + λ w
/// v ← ρ v + (1 - ρ) g²
/// Δ ← √(u + ε) / √(v + ε) · g
/// u ← ρ u + (1 - ρ) Δ²
/// w ← w - lr · Δ
/// ```
/// Defaults as PyTorch: `lr = 1.0`, `rho = 0.9`, `eps = 1e-6`. Options (per group): `rho`, `eps`.
public final class Adadelta: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1.0, rho: Double = 0.9, eps: Double = 1e-6,
                            weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], rho: rho, eps: eps)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], rho: Double = 0.9, eps: Double = 1e-6) {
        super.init(name: "Adadelta", groups: groups, hyperparameters: [.fraction("rho", rho, closed: true), .nonNegative("eps", eps)])
    }

    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        ["square_avg": Tensor.zeros(like: parameter), "acc_delta": Tensor.zeros(like: parameter)]
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let (rho, eps) = (group["rho"], group["eps"])
        let g = group.weightDecay != 0 ? gradient + w * group.weightDecay : gradient
        s["square_avg"] = s["square_avg"] * rho + g * (1 - rho) * g
        let delta = (s["acc_delta"] + eps).sqrt() / (s["square_avg"] + eps).sqrt() * g
        s["acc_delta"] = s["acc_delta"] * rho + delta * (1 - rho) * delta
        w = w - delta * group.lr
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let lr = Float(group.lr), rho = Float(group["rho"]), oneMinusRho = Float(1 - group["rho"]), eps = Float(group["eps"])
        let n = weights.count, w = weights.uniquePointer(Float.self), v = s.pointer("square_avg"), u = s.pointer("acc_delta")
        gradient.withPointer(Float.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { b in
                let g = b.gradient, std = b.scratch, delta = b.scratch2
                for i in b.range {
                    v[i] = v[i] * rho + g[i] * oneMinusRho * g[i]
                    std[i] = v[i] + eps
                    delta[i] = u[i] + eps
                }
                b.takeSquareRoots(std)
                b.takeSquareRoots(delta)
                for i in b.range {
                    delta[i] = delta[i] / std[i] * g[i]
                    u[i] = u[i] * rho + delta[i] * oneMinusRho * delta[i]
                    w[i] = w[i] - delta[i] * lr
                }
            }
        }
        return true
    }
}
