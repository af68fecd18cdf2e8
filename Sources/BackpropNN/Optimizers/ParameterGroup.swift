import BackpropTensor
import BackpropAutograd
/// Parameters that share their hyper-parameters (PyTorch's `param_groups`): a learning rate,
/// a weight decay and the optimizer's other options (``options``), each group its own.
/// ```swift
/// let optimizer = SGD(groups: [ParameterGroup(body.parameters, lr: 0.01),
///                              ParameterGroup(head.parameters, lr: 0.1, weightDecay: 1e-4, options: ["momentum": 0.5])],
///                     momentum: 0.9)
/// ```
/// Every way a value comes in is checked the same way: the initializer, setting ``lr`` or
/// ``weightDecay`` (also through ``Optimizer/lr`` or a scheduler), and loading a state dict.
public struct ParameterGroup {
    /// The parameters of the group.
    public var parameters: [Variable]
    /// The learning rate (finite, `>= 0`).
    public var lr: Double {
        didSet { if let problem = Self.problem(name: "lr", value: lr) { fatalError("ParameterGroup: \(problem)") } }
    }
    /// The weight decay coefficient (L2 penalty, or decoupled decay for ``AdamW``; finite, `>= 0`).
    public var weightDecay: Double {
        didSet { if let problem = Self.problem(name: "weight_decay", value: weightDecay) { fatalError("ParameterGroup: \(problem)") } }
    }
    /// The optimizer's other hyper-parameters for this group, by PyTorch's names (`"momentum"`,
    /// `"beta1"`, `"eps"`, flags as 0 or 1). Those not given take the optimizer's values when
    /// the group joins it; the optimizer checks them against its ``OptimizerBase/hyperparameters``.
    public var options: [String: Double]

    /// Creates a group.
    public init(_ parameters: [Variable], lr: Double, weightDecay: Double = 0, options: [String: Double] = [:]) {
        for (name, value) in [("lr", lr), ("weight_decay", weightDecay)] {
            if let problem = Self.problem(name: name, value: value) { fatalError("ParameterGroup: \(problem)") }
        }
        self.parameters = parameters
        self.lr = lr
        self.weightDecay = weightDecay
        self.options = options
    }

    /// A hyper-parameter by name: `"lr"`, `"weight_decay"` or one of ``options``.
    public subscript(name: String) -> Double {
        get {
            switch name {
            case "lr": return lr
            case "weight_decay": return weightDecay
            default:
                guard let value = options[name] else {
                    fatalError("ParameterGroup: no hyper-parameter '\(name)' (the group has \(hyperparameters.map(\.name)))")
                }
                return value
            }
        }
        set {
            switch name {
            case "lr": lr = newValue
            case "weight_decay": weightDecay = newValue
            default: options[name] = newValue
            }
        }
    }

    /// Whether the flag option `name` is set (its value is 1).
    public func flag(_ name: String) -> Bool { self[name] != 0 }

    /// `lr`, `weight_decay`, then the options in name order.
    public var hyperparameters: [(name: String, value: Double)] {
        [("lr", lr), ("weight_decay", weightDecay)] + options.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// `lr: 0.1, weight_decay: 0.01, momentum: 0.9, nesterov: true` (`flags` print as booleans).
    func hyperparameterDescription(flags: Set<String> = []) -> String {
        hyperparameters.map { "\($0.name): " + (flags.contains($0.name) ? "\($0.value != 0)" : "\($0.value)") }.joined(separator: ", ")
    }

    /// Why `value` cannot be `name` in this group (only `lr` and `weight_decay` are known here).
    func problem(setting name: String, to value: Double) -> String? { Self.problem(name: name, value: value) }

    static func problem(name: String, value: Double) -> String? {
        guard name == "lr" || name == "weight_decay" else { return nil }
        return value.isFinite && value >= 0 ? nil : "invalid \(name == "lr" ? "learning rate" : "weight decay") \(value) (must be finite and >= 0)"
    }
}

/// One option an optimizer accepts: PyTorch's name, the value used when neither the
/// optimizer nor a group sets it, and the values allowed (checked on every way in).
public struct Hyperparameter: Sendable {
    /// The name in ``ParameterGroup/options`` and in state dicts (`"momentum"`, `"beta1"`).
    public let name: String
    /// The optimizer-wide value, given to groups that do not set their own.
    public let value: Double
    /// What the value must satisfy, for messages (`"must be >= 0"`).
    public let requirement: String
    /// Whether the option is a switch (see ``flag(_:_:)``).
    public let isFlag: Bool
    let accepts: @Sendable (Double) -> Bool

    /// An option with a custom check.
    public init(_ name: String, _ value: Double, requirement: String, isFlag: Bool = false,
                accepts: @escaping @Sendable (Double) -> Bool) {
        self.name = name
        self.isFlag = isFlag
        self.value = value
        self.requirement = requirement
        self.accepts = accepts
    }

    /// A finite value `>= 0` (momentum, eps, decays).
    public static func nonNegative(_ name: String, _ value: Double) -> Hyperparameter {
        Hyperparameter(name, value, requirement: "must be finite and >= 0") { $0.isFinite && $0 >= 0 }
    }

    /// A value in `[0, 1)` (moving-average decays such as betas), or `[0, 1]` with `closed`.
    public static func fraction(_ name: String, _ value: Double, closed: Bool = false) -> Hyperparameter {
        Hyperparameter(name, value, requirement: closed ? "must lie in [0, 1]" : "must lie in [0, 1)") {
            $0 >= 0 && (closed ? $0 <= 1 : $0 < 1)
        }
    }

    /// A switch, stored as 1 (on) or 0 (off).
    public static func flag(_ name: String, _ value: Bool) -> Hyperparameter {
        Hyperparameter(name, value ? 1 : 0, requirement: "must be 0 or 1", isFlag: true) { $0 == 0 || $0 == 1 }
    }

    /// Why `value` is not allowed, or `nil`.
    func problem(with value: Double) -> String? { accepts(value) ? nil : "invalid \(name) \(value) (\(requirement))" }
}
