import BackpropTensor
import BackpropAutograd
/// Updates parameters from their gradients.
///
/// The built-in optimizers, and new ones, subclass ``OptimizerBase``: they say what state a
/// parameter starts with and how one parameter takes one step. Conforming to this protocol
/// directly is for rules that do not update each parameter on its own:
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
public protocol Optimizer: AnyObject, CustomStringConvertible {
    /// The parameters and the hyper-parameters they share; schedulers change each group's `lr`.
    var parameterGroups: [ParameterGroup] { get set }
    /// Updates every parameter that has a gradient, in place and without recording a graph.
    func step()
    /// Forgets the gradients of all parameters (the default sets each `grad` to `nil`).
    func zeroGrad()
    /// Everything needed to resume: each group's hyper-parameters (`"param_groups.0.lr"`,
    /// `"param_groups.0.momentum"`) and per-parameter state (`"state.3.exp_avg"`,
    /// `"state.3.step"`, numbered by position in ``parameters``). Loading it into a fresh
    /// optimizer over the same parameters continues bit-exactly.
    func stateDict() -> [String: Tensor]
    /// Restores a ``stateDict()``; nothing changes when it throws.
    /// - Throws: ``StateDictError`` for missing or unexpected keys, mismatched shapes or
    ///   invalid hyper-parameters.
    func loadStateDict(_ state: [String: Tensor]) throws
    /// The state kept for one parameter by PyTorch's names (`"step"`, `"exp_avg"`, ...); empty
    /// before its first update.
    func state(of parameter: Variable) -> [String: Tensor]
}

extension Optimizer {
    /// Every parameter, group after group.
    public var parameters: [Variable] { parameterGroups.flatMap(\.parameters) }

    /// Forgets the gradients of all parameters (call before each backward pass, since
    /// gradients accumulate).
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// The first group's learning rate; setting it sets every group's (validated as
    /// ``ParameterGroup/lr`` is).
    public var lr: Double {
        get { parameterGroups.first?.lr ?? 0 }
        set { for i in parameterGroups.indices { parameterGroups[i].lr = newValue } }
    }

    public func stateDict() -> [String: Tensor] { groupStateDict() }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try StateDictError.checkKeys(expected: Array(groupStateDict().keys), given: Array(state.keys))
        parameterGroups = try loadedGroups(state)
    }

    public func state(of parameter: Variable) -> [String: Tensor] { [:] }

    /// The type's name and each group's hyper-parameters, e.g. `SGD(lr: 0.1, momentum: 0.9)`.
    public var description: String {
        let groups = parameterGroups.map { $0.hyperparameterDescription() }
        return "\(type(of: self))(" + (groups.count == 1 ? groups[0] : groups.map { "[\($0)]" }.joined(separator: ", ")) + ")"
    }

    /// Every group's hyper-parameters as `float64` scalars: `"param_groups.g.lr"`,
    /// `"param_groups.g.weight_decay"` and `"param_groups.g.<option>"`.
    public func groupStateDict() -> [String: Tensor] {
        var dict: [String: Tensor] = [:]
        for (g, group) in parameterGroups.enumerated() {
            for (name, value) in group.hyperparameters { dict["param_groups.\(g).\(name)"] = Tensor(value, dtype: .float64) }
        }
        return dict
    }

    /// The groups with the hyper-parameters of `state`, which must hold one valid scalar for
    /// each that the groups have (``ParameterGroup`` checks the values).
    public func loadedGroups(_ state: [String: Tensor]) throws -> [ParameterGroup] {
        var groups = parameterGroups
        for g in groups.indices {
            for (name, _) in groups[g].hyperparameters {
                let key = "param_groups.\(g).\(name)"
                guard let value = state[key] else { throw StateDictError.missingKeys([key]) }
                guard value.count == 1 else { throw StateDictError.shapeMismatch(key: key, expected: [], found: value.shape) }
                let number = value.item(as: Double.self)
                if let problem = groups[g].problem(setting: name, to: number) {
                    throw StateDictError.invalidValue(key: key, reason: problem)
                }
                groups[g][name] = number
            }
        }
        return groups
    }
}
