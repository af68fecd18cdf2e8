import BackpropTensor
import BackpropAutograd
/// The base of every optimizer that updates each parameter on its own (all the built-ins):
/// a subclass says what state a parameter starts with (``makeState(for:group:)``) and how one
/// parameter takes one step (``update(_:gradient:state:group:)``), written with tensor
/// arithmetic as the paper states it. The base walks the groups, creates and checks the
/// states, validates hyper-parameters and saves and restores everything (``stateDict()``).
///
/// ```swift
/// /// Plain gradient descent: `w ← w - lr · g`.
/// final class PlainSGD: OptimizerBase {
///     init(parameters: [Variable], lr: Double) {
///         super.init(name: "PlainSGD", groups: [ParameterGroup(parameters, lr: lr)], hyperparameters: [])
///     }
///     override func update(_ w: inout Tensor, gradient g: Tensor, state: inout OptimizerState, group: ParameterGroup) {
///         w = w - g * group.lr
///     }
/// }
/// ```
/// A built-in may also provide a fused kernel for `float32` (``fusedUpdate(_:gradient:state:group:)``):
/// a faster way to compute the same rule, element for element the same operations, so that its
/// results are bit-identical to ``update(_:gradient:state:group:)`` (the tests hold every
/// built-in to this). ``fused`` turns it off.
open class OptimizerBase: Optimizer {
    /// The name used in messages and ``description`` (`"Adam"`).
    public let name: String
    /// The options this optimizer accepts, with their optimizer-wide values.
    public let hyperparameters: [Hyperparameter]
    /// The groups; every change is checked (each option known and allowed, no parameter
    /// twice) and options a group lacks are filled in from ``hyperparameters``.
    public var parameterGroups: [ParameterGroup] {
        didSet { parameterGroups = checked(parameterGroups) }
    }
    /// Whether `float32` parameters take the fused kernel when there is one (the default);
    /// otherwise every parameter takes the readable rule. Both give the same bits.
    public var fused = true
    var states: [ObjectIdentifier: OptimizerState] = [:]

    /// Creates the optimizer over `groups`, with `hyperparameters` as the values for groups
    /// that do not set their own.
    public init(name: String, groups: [ParameterGroup], hyperparameters: [Hyperparameter]) {
        self.name = name
        self.hyperparameters = hyperparameters
        for h in hyperparameters { if let problem = h.problem(with: h.value) { fatalError("\(name): \(problem)") } }
        parameterGroups = []
        parameterGroups = checked(groups)
        guard parameterGroups.contains(where: { !$0.parameters.isEmpty }) else {
            fatalError("\(name): got an empty parameter list (\(groups.count) group\(groups.count == 1 ? "" : "s"), no parameters); pass the model's parameters, e.g. \(name)(parameters: model.parameters, ...)")
        }
    }

    /// The state a parameter starts with, by PyTorch's names (`"exp_avg"`: zeros of its shape);
    /// empty by default. Called at the parameter's first step.
    open func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] { [:] }

    /// One step of the rule for one parameter `w`, with `state.step` already counting it.
    open func update(_ w: inout Tensor, gradient: Tensor, state: inout OptimizerState, group: ParameterGroup) {
        fatalError("\(name): a subclass of OptimizerBase must override update(_:gradient:state:group:)")
    }

    /// The same step as ``update(_:gradient:state:group:)`` by a fused kernel, for `float32`;
    /// returns `false` (the default) where it has none, and the readable rule runs instead.
    open func fusedUpdate(_ w: inout Tensor, gradient: Tensor, state: inout OptimizerState, group: ParameterGroup) -> Bool {
        false
    }

    /// What is wrong with a combination of a group's options (each already allowed on its
    /// own), or `nil`; e.g. SGD's Nesterov momentum needs a momentum.
    open func problem(with group: ParameterGroup) -> String? { nil }

    /// Each parameter that has a gradient: the gradient and the state checked against it, the
    /// state created at its first step, the step counted, then the fused kernel or the rule.
    public func step() {
        var index = 0
        for group in parameterGroups {
            for p in group.parameters {
                defer { index += 1 }
                guard let gradient = p.grad else { continue }
                checkGradient(gradient, of: p, index: index)
                // Taken out of the dictionary while it changes, so its tensors are updated in place.
                let key = ObjectIdentifier(p)
                var state = states.removeValue(forKey: key)
                    ?? OptimizerState(for: p.value, tensors: makeState(for: p.value, group: group))
                checkState(state, of: p, index: index)
                state.step += 1
                if !(fused && p.dtype == .float32 && fusedUpdate(&p.value, gradient: gradient, state: &state, group: group)) {
                    update(&p.value, gradient: gradient, state: &state, group: group)
                }
                states[key] = state
            }
        }
    }

    public func state(of parameter: Variable) -> [String: Tensor] {
        guard let s = states[ObjectIdentifier(parameter)] else { return [:] }
        return s.tensors.merging(["step": Tensor(Double(s.step), dtype: .float64)]) { a, _ in a }
    }

    public var description: String {
        let flags = Set(hyperparameters.filter(\.isFlag).map(\.name))
        let groups = parameterGroups.map { $0.hyperparameterDescription(flags: flags) }
        return "\(name)(" + (groups.count == 1 ? groups[0] : groups.map { "[\($0)]" }.joined(separator: ", ")) + ")"
    }

    /// `groups` with missing options filled in, after checking every value, every
    /// combination, and that no parameter appears twice (it would be updated twice per step).
    func checked(_ groups: [ParameterGroup]) -> [ParameterGroup] {
        var seen = Set<ObjectIdentifier>()
        return groups.enumerated().map { g, group in
            for (i, p) in group.parameters.enumerated() where !seen.insert(ObjectIdentifier(p)).inserted {
                fatalError("\(name): parameter \(i) of group \(g)\(p.labelSuffix) (shape \(p.shape)) appears more than once in the parameter groups")
            }
            do throws(OptionError) { return try completed(group) } catch { fatalError("\(name): group \(g): \(error.reason)") }
        }
    }

    /// `group` with every option this optimizer has (missing ones from ``hyperparameters``).
    /// - Throws: ``OptionError`` naming an unknown option, an invalid value or combination.
    func completed(_ group: ParameterGroup) throws(OptionError) -> ParameterGroup {
        var group = group
        let known = Set(hyperparameters.map(\.name))
        if let unknown = group.options.keys.sorted().first(where: { !known.contains($0) }) {
            throw OptionError(reason: "unknown option '\(unknown)' (\(name) has \(hyperparameters.isEmpty ? "none" : hyperparameters.map(\.name).joined(separator: ", ")))")
        }
        for h in hyperparameters {
            let value = group.options[h.name] ?? h.value
            if let problem = h.problem(with: value) { throw OptionError(reason: problem) }
            group.options[h.name] = value
        }
        if let problem = problem(with: group) { throw OptionError(reason: problem) }
        return group
    }

    func checkGradient(_ gradient: Tensor, of p: Variable, index: Int) {
        guard gradient.shape == p.shape, gradient.dtype == p.dtype else {
            fatalError("\(name): the gradient (\(gradient.shape), \(gradient.dtype)) does not match its parameter (\(p.shape), \(p.dtype))")
        }
    }

    /// Stops when the parameter was replaced by one of another shape or type since its state
    /// was made: the state would be read and written out of step with it.
    func checkState(_ state: OptimizerState, of p: Variable, index: Int) {
        guard state.shape == p.shape, state.dtype == p.dtype else {
            fatalError("\(name): parameter \(index)\(p.labelSuffix) is now \(p.shape) \(p.dtype), but its optimizer state (\(state.tensors.isEmpty ? "a step count" : state.tensors.keys.sorted().joined(separator: ", "))) was made for \(state.shape) \(state.dtype); after replacing a parameter's value with one of another shape, make a new optimizer")
        }
    }
}

/// What an optimizer keeps for one parameter: the number of steps it took and named tensors
/// (PyTorch's names: `"exp_avg"`, `"momentum_buffer"`, ...), made for one shape and type.
public struct OptimizerState {
    /// The steps taken, this one included while ``OptimizerBase/update(_:gradient:state:group:)`` runs.
    public var step = 0
    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// The parameter's shape when the state was made.
    public let shape: [Int]
    /// The parameter's element type when the state was made.
    public let dtype: DType

    /// A state at step 0 for a parameter like `parameter`.
    public init(for parameter: Tensor, tensors: [String: Tensor]) {
        self.tensors = tensors
        shape = parameter.shape
        dtype = parameter.dtype
    }

    /// One of the ``tensors``; it must exist.
    public subscript(name: String) -> Tensor {
        get {
            guard let t = tensors[name] else { fatalError("OptimizerState: no tensor '\(name)' (has \(tensors.keys.sorted()))") }
            return t
        }
        set { tensors[name] = newValue }
    }
}

/// Why a group's options cannot be used.
struct OptionError: Error {
    let reason: String
}

extension Variable {
    /// ` ('label')`, or nothing for a parameter without a label.
    var labelSuffix: String { label.map { " ('\($0)')" } ?? "" }
}

extension OptimizerState {
    /// The address of a `float32` tensor's elements for a fused kernel, after giving it storage
    /// of its own; valid while the tensor is neither replaced nor removed.
    mutating func pointer(_ name: String) -> UnsafeMutablePointer<Float> { tensors[name]!.uniquePointer(Float.self) }
}
