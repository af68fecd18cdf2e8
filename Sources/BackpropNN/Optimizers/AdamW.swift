import BackpropTensor
import BackpropAutograd
/// AdamW (Loshchilov & Hutter, 2019), exactly as PyTorch's `torch.optim.AdamW`: Adam whose
/// weight decay shrinks the weights directly instead of entering the gradient (and so the
/// moment estimates):
///
/// ```
/// w ← w (1 - lr λ)
/// m ← β₁ m + (1 - β₁) ∇w,   v ← β₂ v + (1 - β₂) (∇w)²,   v̂ ← max(v̂, v) if amsgrad, else v
/// w ← w - lr / (1 - β₁ᵗ) · m / (√v̂ / √(1 - β₂ᵗ) + ε)
/// ```
/// Defaults as PyTorch: `lr = 1e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`, `weightDecay = 1e-2`.
public final class AdamW: Adam {
    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps,
                  amsgrad: amsgrad)
    }

    /// Groups carry their own weight decay (``ParameterGroup`` defaults it to 0; AdamW's usual value is 1e-2).
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, amsgrad: Bool = false) {
        super.init(groups: groups, betas: betas, eps: eps, amsgrad: amsgrad, decoupledWeightDecay: true)
    }
}
