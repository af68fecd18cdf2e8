import BackpropTensor
import BackpropAutograd
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
public class Adam: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The decays of the first and second moment estimates.
    public let betas: (Double, Double)
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    /// Whether to divide by the running maximum of the second moment (AMSGrad).
    public let amsgrad: Bool
    /// Whether weight decay shrinks the weights directly (AdamW) instead of adding `λw` to the gradient.
    public let decoupledWeightDecay: Bool
    var states = ParameterStates()
    var name: String { decoupledWeightDecay ? "AdamW" : "Adam" }

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false,
                            decoupledWeightDecay: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], betas: betas, eps: eps,
                  amsgrad: amsgrad, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                amsgrad: Bool = false, decoupledWeightDecay: Bool = false) {
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
            fatalError("Adam: invalid betas \(betas) (each must lie in [0, 1))")
        }
        guard eps >= 0 else { fatalError("Adam: invalid eps \(eps) (must be >= 0)") }
        parameterGroups = checkedGroups(groups, optimizer: decoupledWeightDecay ? "AdamW" : "Adam")
        self.betas = betas
        self.eps = eps
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    var bufferNames: [String] { amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"] }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        let n = p.value.count
        let w = p.value.uniquePointer(T.self)
        let m = s.pointer("exp_avg", T.self), v = s.pointer("exp_avg_sq", T.self)
        let vMax: UnsafeMutablePointer<T>? = amsgrad ? s.pointer("max_exp_avg_sq", T.self) : nil
        // Scalars are computed in Double and rounded once, as PyTorch passes Python floats.
        let t = Double(s.step)
        let stepSize = T(-group.lr / (1 - pow(betas.0, t)))
        let correction2 = T((1 - pow(betas.1, t)).squareRoot())
        let oneMinusBeta1 = T(1 - betas.0), beta2 = T(betas.1), oneMinusBeta2 = T(1 - betas.1), eps = T(eps)
        let l2 = !decoupledWeightDecay && group.weightDecay != 0
        let shrink = decoupledWeightDecay && group.weightDecay != 0, shrinkFactor = T(1 - group.lr * group.weightDecay)
        if T.self == Float.self && !shrink && !l2 && vMax == nil && Swift.abs(oneMinusBeta1) < 0.5 {
            // The plain configuration, vectorised (bit-identical to the loop below).
            grad.withPointer(Float.self) { g in
                OptimizerKernels.adam(weights: UnsafeMutableRawPointer(w).assumingMemoryBound(to: Float.self), gradient: g,
                                      firstMoment: UnsafeMutableRawPointer(m).assumingMemoryBound(to: Float.self),
                                      secondMoment: UnsafeMutableRawPointer(v).assumingMemoryBound(to: Float.self), count: n,
                                      stepSize: Float(stepSize), correction2: Float(correction2),
                                      oneMinusBeta1: Float(oneMinusBeta1), beta2: Float(beta2),
                                      oneMinusBeta2: Float(oneMinusBeta2), eps: Float(eps))
            }
            return
        }
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: l2 ? group.weightDecay : 0) { b in
                let g = b.gradient, s = b.scratch
                if shrink { for i in b.range { w[i] = w[i] * shrinkFactor } }
                for i in b.range {
                    m[i] = lerp(m[i], g[i], oneMinusBeta1)
                    v[i] = v[i] * beta2 + oneMinusBeta2 * g[i] * g[i]
                    s[i] = v[i]
                }
                if let vMax {
                    for i in b.range {
                        vMax[i] = Swift.max(vMax[i], v[i])
                        s[i] = vMax[i]
                    }
                }
                b.takeSquareRoots(s)
                for i in b.range { w[i] = w[i] + stepSize * m[i] / (s[i] / correction2 + eps) }
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
