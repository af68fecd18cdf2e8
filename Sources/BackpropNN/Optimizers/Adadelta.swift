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
/// Defaults as PyTorch: `lr = 1.0`, `rho = 0.9`, `eps = 1e-6`.
public final class Adadelta: ElementwiseOptimizer {
    public var parameterGroups: [ParameterGroup]
    /// The decay of the running averages.
    public let rho: Double
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    var states = ParameterStates()

    /// Creates the optimizer over one group of parameters.
    public convenience init(parameters: [Variable], lr: Double = 1.0, rho: Double = 0.9, eps: Double = 1e-6,
                            weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)], rho: rho, eps: eps)
    }

    /// Creates the optimizer over parameter groups with their own learning rates and weight decay.
    public init(groups: [ParameterGroup], rho: Double = 0.9, eps: Double = 1e-6) {
        guard rho >= 0, rho <= 1 else { fatalError("Adadelta: invalid rho \(rho) (must lie in [0, 1])") }
        guard eps >= 0 else { fatalError("Adadelta: invalid eps \(eps) (must be >= 0)") }
        parameterGroups = checkedGroups(groups, optimizer: "Adadelta")
        self.rho = rho
        self.eps = eps
    }

    var name: String { "Adadelta" }
    var bufferNames: [String] { ["square_avg", "acc_delta"] }

    public func step() { updateEachParameter() }

    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup) {
        let n = p.value.count
        let w = p.value.uniquePointer(T.self)
        let v = s.pointer("square_avg", T.self), u = s.pointer("acc_delta", T.self)
        let lr = T(-group.lr), rho = T(rho), oneMinusRho = T(1 - self.rho), eps = T(eps)
        grad.withPointer(T.self) { g in
            forEachBlock(count: n, gradient: g, weights: w, l2Decay: group.weightDecay) { b in
                let g = b.gradient, std = b.scratch, delta = b.scratch2
                for i in b.range {
                    v[i] = v[i] * rho + oneMinusRho * g[i] * g[i]
                    std[i] = v[i] + eps
                    delta[i] = u[i] + eps
                }
                b.takeSquareRoots(std)
                b.takeSquareRoots(delta)
                for i in b.range {
                    delta[i] = delta[i] / std[i] * g[i]
                    u[i] = u[i] * rho + oneMinusRho * delta[i] * delta[i]
                    w[i] = w[i] + lr * delta[i]
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] { savedState() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try restoreState(state) }
    public func state(of parameter: Variable) -> [String: Tensor] { states.tensors(of: parameter) }
}
