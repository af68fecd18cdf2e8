import BackpropTensor
import BackpropAutograd
/// A piece of a network: a function of one input with trainable parameters (and possibly
/// buffers such as BatchNorm's running statistics) that can be listed, saved and loaded by name.
///
/// Conforming types provide the forward pass, their parameters by name and the training flag;
/// everything else (``parameters``, ``train()``, ``stateDict()``, ...) comes from the extension.
/// ```swift
/// final class TwoLayer: Module {
///     let hidden: Linear, output: Linear
///     var isTraining = true
///     init(generator: inout SplitMix64) {
///         hidden = Linear(inputSize: 2, outputSize: 8, generator: &generator)
///         output = Linear(inputSize: 8, outputSize: 1, generator: &generator)
///     }
///     func callAsFunction(_ x: Variable) -> Variable { output(hidden(x).tanh()) }
///     var namedParameters: [(name: String, parameter: Variable)] {
///         prefixed("hidden", hidden.namedParameters) + prefixed("output", output.namedParameters)
///     }
/// }
/// ```
public protocol Module: AnyObject {
    /// The forward pass.
    func callAsFunction(_ input: Variable) -> Variable
    /// The trainable parameters with PyTorch-style dotted names (`"0.weight"`, `"2.bias"`).
    var namedParameters: [(name: String, parameter: Variable)] { get }
    /// State that is saved and loaded but not trained (BatchNorm's `running_mean`, ...),
    /// named like the parameters. Empty by default.
    var namedBuffers: [(name: String, buffer: Variable)] { get }
    /// Whether the module behaves as in training (dropout active, batch statistics) or as in
    /// evaluation. Containers pass the flag on to their children.
    var isTraining: Bool { get set }
}

extension Module {
    public var namedBuffers: [(name: String, buffer: Variable)] { [] }

    /// The trainable parameters, in the order of ``namedParameters``.
    public var parameters: [Variable] { namedParameters.map(\.parameter) }

    /// The number of trainable scalars.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.parameter.value.count } }

    /// Switches to training behaviour (PyTorch's `model.train()`).
    public func train() { isTraining = true }

    /// Switches to evaluation behaviour: dropout off, BatchNorm uses its running statistics.
    public func eval() { isTraining = false }

    /// Forgets the gradients of all parameters.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// Names each entry of a child's list with the child's name in front: `"0" + "weight"`
    /// becomes `"0.weight"`. Helps containers build ``namedParameters``.
    public func prefixed<V>(_ prefix: String, _ entries: [(name: String, parameter: V)]) -> [(name: String, parameter: V)] {
        entries.map { (name: prefix + "." + $0.name, parameter: $0.parameter) }
    }

    /// Copies of every parameter and buffer value by name, like PyTorch's `state_dict()`.
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, p) in namedParameters { state[name] = p.value }
        for (name, b) in namedBuffers { state[name] = b.value }
        return state
    }

    /// Sets every parameter and buffer from `state` (strict, like PyTorch's
    /// `load_state_dict(strict=True)`): every name must be present, no name may be unknown, and
    /// every shape must match. Values are converted to each parameter's element type. Nothing
    /// is changed unless everything matches.
    /// - Throws: ``StateDictError`` naming the missing or unexpected keys or the first shape mismatch.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        let targets = namedParameters.map { ($0.name, $0.parameter) } + namedBuffers.map { ($0.name, $0.buffer) }
        try StateDictError.checkKeys(expected: targets.map(\.0), given: Array(state.keys))
        for (name, variable) in targets where state[name]!.shape != variable.shape {
            throw StateDictError.shapeMismatch(key: name, expected: variable.shape, found: state[name]!.shape)
        }
        for (name, variable) in targets { variable.value = state[name]!.converted(to: variable.dtype) }
    }
}

/// Why a state dictionary could not be loaded.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    /// Names the model (or optimizer) has that the dictionary lacks.
    case missingKeys([String])
    /// Names in the dictionary the model (or optimizer) does not have.
    case unexpectedKeys([String])
    /// A value whose shape differs from the one it would replace.
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// A value that cannot be used (for example a step count that is not a whole number).
    case invalidValue(key: String, reason: String)

    public var description: String {
        switch self {
        case .missingKeys(let keys): return "loadStateDict: missing keys \(keys)"
        case .unexpectedKeys(let keys): return "loadStateDict: unexpected keys \(keys)"
        case .shapeMismatch(let key, let expected, let found):
            return "loadStateDict: '\(key)' has shape \(found) but the model expects \(expected)"
        case .invalidValue(let key, let reason): return "loadStateDict: '\(key)': \(reason)"
        }
    }

    /// Throws if `given` lacks some of `expected` (reported first) or has extra names.
    static func checkKeys(expected: [String], given: [String]) throws {
        let expectedSet = Set(expected), givenSet = Set(given)
        let missing = expected.filter { !givenSet.contains($0) }
        if !missing.isEmpty { throw StateDictError.missingKeys(missing) }
        let unexpected = given.filter { !expectedSet.contains($0) }.sorted()
        if !unexpected.isEmpty { throw StateDictError.unexpectedKeys(unexpected) }
    }
}
