import BackpropTensor
import BackpropAutograd

/// A piece of a network: a function of one input whose parameters, buffers and child modules
/// are found from its stored properties, so they can be trained, listed, saved and loaded by
/// name (PyTorch's `nn.Module`).
///
/// A module is a class with a forward pass. Its stored properties are discovered by reflection
/// (see <doc:WritingYourOwnModule>):
/// - a ``Variable`` is a parameter, named after the property (`weight`); one with
///   `requiresGrad == false` is *frozen*: saved and loaded, but not in ``parameters``;
/// - a ``Buffer``-wrapped variable is a buffer: saved and loaded, never trained;
/// - another module is a child, and its entries get the property name in front
///   (`encoder.weight`); arrays, dictionaries and optionals of modules or variables work too
///   (`blocks.0.weight`).
///
/// ```swift
/// final class TwoLayer: Module {
///     let hidden: Linear, output: Linear
///     let dropout = Dropout(p: 0.1)
///     init(generator: inout SplitMix64) {
///         hidden = Linear(inputSize: 2, outputSize: 8, generator: &generator)
///         output = Linear(inputSize: 8, outputSize: 1, generator: &generator)
///     }
///     func callAsFunction(_ x: Variable) -> Variable { output(dropout(hidden(x).tanh())) }
/// }
/// var generator = SplitMix64(seed: 0)
/// let model = TwoLayer(generator: &generator)
/// print(model.namedParameters.map(\.name))   // ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
/// model.eval()                                // reaches the Dropout too
/// ```
///
/// Every requirement but the forward pass has a default; a module overrides one only to
/// change what reflection finds (``Sequential`` names its children `"0"`, `"1"`, ...).
public protocol Module: AnyObject, CustomStringConvertible {
    /// The forward pass.
    func callAsFunction(_ input: Variable) -> Variable
    /// Every parameter of this module and its descendants with PyTorch-style dotted names
    /// (`"0.weight"`, `"encoder.bias"`), frozen ones included. A variable shared by two
    /// layers appears under both names (as in ``stateDict()``); ``parameters`` lists it once.
    var namedParameters: [(name: String, parameter: Variable)] { get }
    /// State that is saved and loaded but not trained (BatchNorm's `running_mean`, ...), of
    /// this module and its descendants, named like the parameters.
    var namedBuffers: [(name: String, buffer: Variable)] { get }
    /// The direct children, named by property (`"encoder"`, `"blocks.0"`).
    var namedChildren: [(name: String, module: any Module)] { get }
    /// Whether the module behaves as in training (dropout active, batch statistics) or as in
    /// evaluation. ``train(_:)`` and ``eval()`` set it on every descendant. Stored by the
    /// framework unless the module declares its own.
    var isTraining: Bool { get set }
}

extension Module {
    /// The variables found in this module's stored properties (see ``Module``), then each
    /// child's, with the child's name in front.
    public var namedParameters: [(name: String, parameter: Variable)] {
        ModuleMembers(of: self).parameters + namedChildren.flatMap { child in
            child.module.namedParameters.map { (name: child.name + "." + $0.name, parameter: $0.parameter) }
        }
    }

    /// The ``Buffer``-wrapped variables of this module's stored properties, then each child's.
    public var namedBuffers: [(name: String, buffer: Variable)] {
        ModuleMembers(of: self).buffers + namedChildren.flatMap { child in
            child.module.namedBuffers.map { (name: child.name + "." + $0.name, buffer: $0.buffer) }
        }
    }

    /// The modules in this module's stored properties, named by property (`blocks.0` for
    /// the first of an array).
    public var namedChildren: [(name: String, module: any Module)] { ModuleMembers(of: self).children }

    /// The flag kept by the framework for this module; `true` until ``eval()``.
    public var isTraining: Bool {
        get { TrainingFlags.isTraining(self) }
        set { TrainingFlags.set(self, newValue) }
    }

    /// The parameters an optimizer should update: every parameter that requires a gradient,
    /// each shared variable once, in the order of ``namedParameters``.
    /// ```swift
    /// let optimizer = Adam(parameters: model.parameters, lr: 1e-3)
    /// ```
    public var parameters: [Variable] { uniqueParameters.filter(\.requiresGrad) }

    /// Every distinct parameter, frozen ones included.
    var uniqueParameters: [Variable] {
        var seen = Set<ObjectIdentifier>()
        return namedParameters.map(\.parameter).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// The number of scalars in the distinct parameters, frozen ones included.
    public var parameterCount: Int { uniqueParameters.reduce(0) { $0 + $1.value.count } }

    /// The number of scalars in the parameters that require a gradient.
    public var trainableParameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Sets this module and every descendant to training (`true`) or evaluation behaviour
    /// (PyTorch's `model.train(mode)`).
    public func train(_ mode: Bool = true) {
        for module in modules { module.isTraining = mode }
    }

    /// Switches this module and every descendant to evaluation behaviour: dropout off,
    /// BatchNorm uses its running statistics (PyTorch's `model.eval()`).
    public func eval() { train(false) }

    /// Forgets the gradients of all parameters, frozen ones included.
    public func zeroGrad() { for p in uniqueParameters { p.zeroGrad() } }

    /// Names each entry of a child's list with the child's name in front: `"0" + "weight"`
    /// becomes `"0.weight"`. Helps modules that list their parameters by hand.
    public func prefixed<V>(_ prefix: String, _ entries: [(name: String, parameter: V)]) -> [(name: String, parameter: V)] {
        entries.map { (name: prefix + "." + $0.name, parameter: $0.parameter) }
    }
}
