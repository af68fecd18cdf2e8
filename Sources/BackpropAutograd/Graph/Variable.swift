import Synchronization
import BackpropTensor

/// A node of the computation graph: a tensor value, the gradient backpropagation computed for
/// it, and the operation that produced it.
///
/// Operations on `Variable`s compute their value at once (eager) and, when an input requires a
/// gradient and gradients are enabled, record an ``Operation`` that knows how to send a gradient
/// back to its inputs. ``backward(_:retainGraph:createGraph:observer:)`` walks those records in reverse.
///
/// ```swift
/// let x = Variable(Tensor([2.0, 3.0]), requiresGrad: true, label: "x")
/// let y = (x * x).sum()        // y = Σ x²
/// y.backward()
/// print(x.grad!)               // dy/dx = 2x = [4, 6]
/// ```
public final class Variable {
    // Stored properties are marked `@exclusivity(unchecked)`: the graph is read and written by
    // one thread at a time, and the runtime's dynamic exclusivity bookkeeping (a thread-local
    // access set per property access) was about a tenth of a small network's training step.
    /// The value computed in the forward pass.
    @exclusivity(unchecked) public var value: Tensor
    /// Whether gradients flow to this variable (parameters and inputs one differentiates by).
    @exclusivity(unchecked) public var requiresGrad: Bool
    /// A name shown in graph pictures, traces and error messages.
    public var label: String?
    /// The operation that produced this variable; `nil` for leaves (inputs, parameters).
    @exclusivity(unchecked) public internal(set) var creator: Operation?
    /// Whether ``backward(_:retainGraph:createGraph:observer:)`` stores a gradient on this non-leaf
    /// variable too (leaves always get one), like PyTorch's `retain_grad()`.
    @exclusivity(unchecked) public var retainsGrad = false
    /// The accumulated gradient as a graph node; it has a graph of its own after a backward
    /// pass with `createGraph: true`, so it can be differentiated again.
    @exclusivity(unchecked) public internal(set) var gradVariable: Variable?
    /// The gradient a backward pass has gathered for this node so far (during the pass only).
    @exclusivity(unchecked) var pendingGradient: Variable?
    /// The number of the last graph walk that visited this node (see `topologicalOrder()`).
    @exclusivity(unchecked) var visitMark: UInt64 = 0
    static let nextVisitMark = Atomic<UInt64>(0)

    /// The accumulated gradient of the last backward passes, `nil` until one reaches this
    /// variable. Gradients add up over backward calls until ``zeroGrad()``.
    public var grad: Tensor? {
        get { gradVariable?.value }
        set { gradVariable = newValue.map { Variable($0) } }
    }

    /// A leaf variable.
    public init(_ value: Tensor, requiresGrad: Bool = false, label: String? = nil) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.label = label
    }

    /// A `float32` leaf variable holding the given elements (plain literals land here).
    public convenience init(_ scalars: [Float], shape: [Int], requiresGrad: Bool = false, label: String? = nil) {
        self.init(Tensor(scalars, shape: shape), requiresGrad: requiresGrad, label: label)
    }

    /// A leaf variable holding the given elements, with the array's element type
    /// (`[Double]`: `float64`).
    @_disfavoredOverload
    public convenience init<T: TensorScalar>(_ scalars: [T], shape: [Int], requiresGrad: Bool = false, label: String? = nil) {
        self.init(Tensor(scalars, shape: shape), requiresGrad: requiresGrad, label: label)
    }

    /// A scalar leaf variable.
    public convenience init(_ scalar: Double, dtype: DType = .float32, requiresGrad: Bool = false, label: String? = nil) {
        self.init(Tensor(scalar, dtype: dtype), requiresGrad: requiresGrad, label: label)
    }

    /// The shape of ``value``.
    public var shape: [Int] { value.shape }
    /// The element type of ``value``.
    public var dtype: DType { value.dtype }
    /// The number of axes of ``value``.
    public var rank: Int { value.rank }
    /// Whether this variable was made by an operation (rather than created directly).
    public var isLeaf: Bool { creator == nil }

    /// The value of a one-element variable.
    public func item<T: TensorScalar>(as type: T.Type = Float.self) -> T { value.item(as: T.self) }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { gradVariable = nil }

    /// The same value as a new leaf that records no history: gradients stop here.
    public func detached() -> Variable { Variable(value, requiresGrad: false, label: label) }

    /// Records `value` as the output of an operation on `inputs`.
    ///
    /// `backward(g, output)` receives the gradient `g` of the loss with respect to the output
    /// (and the output itself, so closures need not capture it, which would make a retain
    /// cycle) and returns the gradient for each input, `nil` where an input gets none. It must
    /// be written with `Variable` operations: then gradients of gradients work too.
    ///
    /// This is how every built-in operation is made, and how you add your own:
    /// ```swift
    /// extension Variable {
    ///     /// `cube(x) = x³`, `d cube(x)/dx = 3x²`.
    ///     func cube() -> Variable {
    ///         Variable.record("cube", value * value * value, inputs: [self],
    ///                         derivative: "d x³/dx = 3x²") { g, _ in [g * 3 * self * self] }
    ///     }
    /// }
    /// ```
    public static func record(
        _ name: String, _ value: Tensor, inputs: [Variable], derivative: String,
        backward: @escaping (_ gradient: Variable, _ output: Variable) -> [Variable?]
    ) -> Variable {
        let tracked = GradMode.isEnabled && inputs.contains { $0.requiresGrad }
        let output = Variable(value, requiresGrad: tracked)
        if tracked {
            output.creator = Operation(name: name, derivative: derivative, inputs: inputs, backward: backward)
        }
        if AnomalyDetection.isEnabled { AnomalyDetection.check(value, producedBy: name, phase: "forward", creator: output.creator) }
        return output
    }
}

/// A recorded operation: its inputs and the rule that turns the gradient of its output into
/// gradients for its inputs.
public final class Operation {
    /// The operation's name (`"mul"`, `"tanh"`, ...).
    public let name: String
    /// The local derivative rule in words, e.g. `d tanh(x)/dx = 1 - tanh(x)²`.
    public let derivative: String
    /// The operands; emptied when the graph is freed after a backward pass.
    @exclusivity(unchecked) public internal(set) var inputs: [Variable]
    /// Where the operation was created, recorded in anomaly-detection mode only.
    public internal(set) var creationContext: String?
    @exclusivity(unchecked) var backward: ((Variable, Variable) -> [Variable?])?

    init(name: String, derivative: String, inputs: [Variable], backward: @escaping (Variable, Variable) -> [Variable?]) {
        self.name = name
        self.derivative = derivative
        self.inputs = inputs
        self.backward = backward
        if AnomalyDetection.isEnabled { creationContext = AnomalyDetection.callSite() }
    }

    /// Whether a backward pass freed this operation's saved values.
    public var isFreed: Bool { backward == nil }

    func free() {
        backward = nil
        inputs = []
    }
}
