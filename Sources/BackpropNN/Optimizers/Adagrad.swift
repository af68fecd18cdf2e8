import BackpropTensor
import BackpropAutograd
/// Adagrad (Duchi et al., 2011), exactly as PyTorch's `torch.optim.Adagrad`: each weight's step
/// shrinks with the sum of its squared gradients. `ε` is added outside the square root.
///
/// ```
/// g ← ∇w + λ w
/// s ← s + g²                       (s starts at initialAccumulatorValue)
/// w ← w - lr / (1 + (t - 1) · lrDecay) · g / (√s + ε)
/// ```
/// Defaults as PyTorch: `lr = 1e-2`, `lrDecay = 0`, `initialAccumulatorValue = 0`, `eps = 1e-10`.
/// Options (per group): `lr_decay`, `initial_accumulator_value`, `eps`.
public final class Adagrad: OptimizerBase {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], lrDecay: lrDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps)
    }

    /// Creates the optimizer over parameter groups; the options are the values for groups
    /// that do not set their own.
    public init(groups: [ParameterGroup], lrDecay: Double = 0, initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        super.init(name: "Adagrad", groups: groups, hyperparameters: [
            .nonNegative("lr_decay", lrDecay), .nonNegative("initial_accumulator_value", initialAccumulatorValue),
            .nonNegative("eps", eps)])
    }

    override public func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        ["sum": Tensor.full(parameter.shape, value: group["initial_accumulator_value"], dtype: parameter.dtype)]
    }

    /// `lr / (1 + (t - 1) · lrDecay)`.
    private func stepSize(_ s: OptimizerState, _ group: ParameterGroup) -> Double {
        group.lr / (1 + Double(s.step - 1) * group["lr_decay"])
    }

    override public func update(_ w: inout Tensor, gradient: Tensor, state s: inout OptimizerState, group: ParameterGroup) {
        let g = group.weightDecay != 0 ? gradient + w * group.weightDecay : gradient
        s["sum"] = s["sum"] + g * g
        w = w - g * stepSize(s, group) / (s["sum"].sqrt() + group["eps"])
    }

    override public func fusedUpdate(_ weights: inout Tensor, gradient: Tensor, state s: inout OptimizerState,
                                     group: ParameterGroup) -> Bool {
        let stepSize = Float(stepSize(s, group)), eps = Float(group["eps"]), n = weights.count
        let w = weights.uniquePointer(Float.self), sum = s.pointer("sum")
        gradient.withPointer(Float.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { b in
                let g = b.gradient, d = b.scratch
                for i in b.range {
                    sum[i] = sum[i] + g[i] * g[i]
                    d[i] = sum[i]
                }
                b.takeSquareRoots(d)
                for i in b.range { w[i] = w[i] - g[i] * stepSize / (d[i] + eps) }
            }
        }
        return true
    }
}
