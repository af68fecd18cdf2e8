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
/// Options (per group, see ``ParameterGroup/options``): `momentum`, `dampening`, `nesterov`.
public final class SGD: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], momentum: momentum,
                  dampening: dampening, nesterov: nesterov)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false) {
        super.init(name: "SGD", groups: groups, hyperparameters: [
            .nonNegative("momentum", momentum), .nonNegative("dampening", dampening), .flag("nesterov", nesterov)])
    }

    override public func problem(with group: ParameterGroup) -> String? {
        guard group.flag("nesterov"), group["momentum"] == 0 || group["dampening"] != 0 else { return nil }
        return "Nesterov momentum requires a momentum > 0 and zero dampening (got momentum \(group["momentum"]), dampening \(group["dampening"]))"
    }

    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        group["momentum"] != 0 ? ["momentum_buffer": Tensor.zeros(like: parameter)] : [:]
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let mu = group["momentum"], weightDecay = group.weightDecay
        var g = weightDecay != 0 ? gradient + w * weightDecay : gradient
        if mu != 0 {
            // PyTorch starts the momentum buffer at the first gradient itself.
            s["momentum_buffer"] = s.step == 1 ? g : s["momentum_buffer"] * mu + g * (1 - group["dampening"])
            g = group.flag("nesterov") ? g + s["momentum_buffer"] * mu : s["momentum_buffer"]
        }
        w = w - g * group.lr
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let n = weights.count, first = s.step == 1, nesterov = group.flag("nesterov")
        let lr = Float(group.lr), mu = Float(group["momentum"]), keep = Float(1 - group["dampening"])
        let w = weights.uniquePointer(Float.self), buffer = mu != 0 ? s.pointer("momentum_buffer") : nil
        gradient.withPointer(Float.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { blk in
                let g = blk.gradient
                guard let b = buffer else {
                    for i in blk.range { w[i] = w[i] - g[i] * lr }
                    return
                }
                if first {
                    for i in blk.range { b[i] = g[i] }
                } else {
                    for i in blk.range { b[i] = b[i] * mu + g[i] * keep }
                }
                if nesterov {
                    for i in blk.range { w[i] = w[i] - (g[i] + b[i] * mu) * lr }
                } else {
                    for i in blk.range { w[i] = w[i] - b[i] * lr }
                }
            }
        }
        return true
    }
}
