import BackpropTensor
import BackpropAutograd
/// Updates parameters from their gradients. Conform to plug in your own rule: provide the
/// parameter groups and ``step()``; gradient zeroing, the learning rate, schedulers and a
/// state dictionary of the groups' hyper-parameters come from the extension.
///
/// ```swift
/// /// signSGD: `w ← w - lr · sign(∂L/∂w)`.
/// final class SignSGD: Optimizer {
///     var parameterGroups: [ParameterGroup]
///     init(parameters: [Variable], lr: Double) { parameterGroups = [ParameterGroup(parameters, lr: lr)] }
///     func step() {
///         for group in parameterGroups {
///             for p in group.parameters { if let g = p.grad { p.value = p.value - g.sign() * group.lr } }
///         }
///     }
/// }
/// ```
/// A training step is `optimizer.zeroGrad(); loss.backward(); optimizer.step()`.
public protocol Optimizer: AnyObject {
    /// The parameters and the hyper-parameters they share; schedulers change each group's `lr`.
    var parameterGroups: [ParameterGroup] { get set }
    /// Updates every parameter that has a gradient, in place and without recording a graph.
    func step()
    /// Forgets the gradients of all parameters (the default sets each `grad` to `nil`).
    func zeroGrad()
    /// Everything needed to resume: group hyper-parameters (`"param_groups.0.lr"`) and
    /// per-parameter state (`"state.3.exp_avg"`, `"state.3.step"`, numbered by position in
    /// ``parameters``). Loading it into a fresh optimizer over the same parameters continues
    /// bit-exactly.
    func stateDict() -> [String: Tensor]
    /// Restores a ``stateDict()``.
    /// - Throws: ``StateDictError`` for missing or unexpected keys or mismatched shapes.
    func loadStateDict(_ state: [String: Tensor]) throws
    /// The state kept for one parameter by PyTorch's names (`"step"`, `"exp_avg"`, ...); empty
    /// before its first update.
    func state(of parameter: Variable) -> [String: Tensor]
}

/// Parameters that share a learning rate and weight decay (PyTorch's `param_groups`).
/// ```swift
/// let optimizer = SGD(groups: [ParameterGroup(body.parameters, lr: 0.01),
///                              ParameterGroup(head.parameters, lr: 0.1, weightDecay: 1e-4)], momentum: 0.9)
/// ```
public struct ParameterGroup {
    /// The parameters of the group.
    public var parameters: [Variable]
    /// The learning rate.
    public var lr: Double
    /// The weight decay coefficient (L2 penalty, or decoupled decay for ``AdamW``).
    public var weightDecay: Double

    /// Creates a group.
    public init(_ parameters: [Variable], lr: Double, weightDecay: Double = 0) {
        guard lr >= 0 else { fatalError("ParameterGroup: invalid learning rate \(lr) (must be >= 0)") }
        guard weightDecay >= 0 else { fatalError("ParameterGroup: invalid weight decay \(weightDecay) (must be >= 0)") }
        self.parameters = parameters
        self.lr = lr
        self.weightDecay = weightDecay
    }
}

extension Optimizer {
    /// Every parameter, group after group.
    public var parameters: [Variable] { parameterGroups.flatMap(\.parameters) }

    /// Forgets the gradients of all parameters (call before each backward pass, since
    /// gradients accumulate).
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// The first group's learning rate; setting it sets every group's.
    public var lr: Double {
        get { parameterGroups.first?.lr ?? 0 }
        set { for i in parameterGroups.indices { parameterGroups[i].lr = newValue } }
    }

    public func stateDict() -> [String: Tensor] { groupStateDict() }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try StateDictError.checkKeys(expected: Array(groupStateDict().keys), given: Array(state.keys))
        try loadGroupState(state)
    }

    public func state(of parameter: Variable) -> [String: Tensor] { [:] }

    /// `"param_groups.g.lr"` and `"param_groups.g.weight_decay"` as `float64` scalars.
    public func groupStateDict() -> [String: Tensor] {
        var dict: [String: Tensor] = [:]
        for (g, group) in parameterGroups.enumerated() {
            dict["param_groups.\(g).lr"] = Tensor(group.lr, dtype: .float64)
            dict["param_groups.\(g).weight_decay"] = Tensor(group.weightDecay, dtype: .float64)
        }
        return dict
    }

    /// Sets each group's `lr` and `weight_decay` from `state`, which must hold them all.
    public func loadGroupState(_ state: [String: Tensor]) throws {
        for g in parameterGroups.indices {
            for key in ["param_groups.\(g).lr", "param_groups.\(g).weight_decay"] {
                guard let value = state[key] else { throw StateDictError.missingKeys([key]) }
                guard value.count == 1 else { throw StateDictError.shapeMismatch(key: key, expected: [], found: value.shape) }
            }
        }
        for g in parameterGroups.indices {
            parameterGroups[g].lr = state["param_groups.\(g).lr"]!.item(as: Double.self)
            parameterGroups[g].weightDecay = state["param_groups.\(g).weight_decay"]!.item(as: Double.self)
        }
    }
}
