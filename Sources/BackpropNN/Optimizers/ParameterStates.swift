import CBackpropKernels
import BackpropTensor
import BackpropAutograd

/// The state a built-in optimizer keeps for one parameter: its step count and buffers of the
/// parameter's shape under PyTorch's names (`"exp_avg"`, `"momentum_buffer"`, ...).
final class ParameterState {
    var step = 0
    var buffers: [String: Tensor] = [:]

    /// The address of a buffer's elements, after giving it storage of its own. It stays valid
    /// while the buffer is neither replaced nor removed (the update loops only write through it).
    func pointer<T: TensorScalar>(_ name: String, _: T.Type) -> UnsafeMutablePointer<T> {
        buffers[name]!.makeUnique()
        return buffers[name]!.buffer.pointer(T.self)
    }
}

/// Per-parameter states by parameter identity, with the state-dictionary encoding shared by
/// the built-in optimizers.
struct ParameterStates {
    private var states: [ObjectIdentifier: ParameterState] = [:]

    /// The state of `parameter`, created on its first update.
    mutating func state(for parameter: Variable) -> ParameterState {
        if let s = states[ObjectIdentifier(parameter)] { return s }
        let s = ParameterState()
        states[ObjectIdentifier(parameter)] = s
        return s
    }

    /// The step and buffers of one parameter by name; empty before its first update.
    func tensors(of parameter: Variable) -> [String: Tensor] {
        guard let s = states[ObjectIdentifier(parameter)] else { return [:] }
        var dict = s.buffers
        dict["step"] = Tensor(Double(s.step), dtype: .float64)
        return dict
    }

    /// Group hyper-parameters plus `"state.i.name"` for each parameter `i` that has state.
    func stateDict(of optimizer: some Optimizer) -> [String: Tensor] {
        var dict = optimizer.groupStateDict()
        for (i, p) in optimizer.parameters.enumerated() {
            for (name, t) in tensors(of: p) { dict["state.\(i).\(name)"] = t }
        }
        return dict
    }

    /// Replaces all states with those in `dict` (checked first; nothing changes on error).
    /// `bufferNames` are the buffers the optimizer keeps with its current options (shaped like
    /// the parameter, except the one-element `scalarNames`); a parameter's entry must have all
    /// of them (or be absent: not yet updated).
    mutating func load(_ dict: [String: Tensor], into optimizer: some Optimizer, bufferNames: [String],
                       scalarNames: [String] = []) throws {
        let parameters = optimizer.parameters
        var loaded: [Int: ParameterState] = [:]
        var groupKeys = Set<String>()
        for g in optimizer.parameterGroups.indices {
            groupKeys.insert("param_groups.\(g).lr")
            groupKeys.insert("param_groups.\(g).weight_decay")
        }
        var unexpected: [String] = []
        for (key, value) in dict where !groupKeys.contains(key) {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "state", let i = Int(parts[1]), i >= 0, i < parameters.count,
                  parts[2] == "step" || bufferNames.contains(parts[2]) else {
                unexpected.append(key)
                continue
            }
            let s = loaded[i] ?? ParameterState()
            loaded[i] = s
            if parts[2] == "step" {
                guard value.count == 1, let step = Int(exactly: value.item(as: Double.self)), step >= 0 else {
                    throw StateDictError.invalidValue(key: key, reason: "a step count must be one whole number >= 0, got \(value)")
                }
                s.step = step
            } else if scalarNames.contains(parts[2]) {
                guard value.shape == [] else { throw StateDictError.shapeMismatch(key: key, expected: [], found: value.shape) }
                s.buffers[parts[2]] = value.converted(to: parameters[i].dtype)
            } else {
                guard value.shape == parameters[i].shape else {
                    throw StateDictError.shapeMismatch(key: key, expected: parameters[i].shape, found: value.shape)
                }
                s.buffers[parts[2]] = value.converted(to: parameters[i].dtype)
            }
        }
        if !unexpected.isEmpty { throw StateDictError.unexpectedKeys(unexpected.sorted()) }
        var missing = groupKeys.filter { dict[$0] == nil }.sorted()
        for i in loaded.keys.sorted() {
            for name in ["step"] + bufferNames where dict["state.\(i).\(name)"] == nil { missing.append("state.\(i).\(name)") }
        }
        if !missing.isEmpty { throw StateDictError.missingKeys(missing) }
        try optimizer.loadGroupState(dict)
        states = [:]
        for (i, s) in loaded { states[ObjectIdentifier(parameters[i])] = s }
    }
}

/// Checks that a parameter's gradient can drive an update.
/// What an optimizer with per-parameter buffers supplies; the walk over parameters, the state
/// dictionary and its restoring are shared (below). A new optimizer of this kind says which
/// buffers it keeps and how one parameter is updated.
protocol ElementwiseOptimizer: Optimizer {
    /// The name used in error messages.
    var name: String { get }
    /// The per-parameter buffers kept with the current options, by PyTorch's names.
    var bufferNames: [String] { get }
    /// Those of ``bufferNames`` that are scalars rather than shaped like the parameter.
    var scalarBufferNames: [String] { get }
    var states: ParameterStates { get set }
    /// The buffers of a parameter at its first step (zeros of its shape by default).
    func makeBuffers(for parameter: Variable) -> [String: Tensor]
    /// Applies one step to one parameter; `s.step` already counts this step.
    func update<T: TensorScalar>(_: T.Type, _ p: Variable, _ grad: Tensor, _ s: ParameterState, _ group: ParameterGroup)
}

extension ElementwiseOptimizer {
    var scalarBufferNames: [String] { [] }

    func makeBuffers(for parameter: Variable) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: bufferNames.map { ($0, Tensor.zeros(like: parameter.value)) })
    }

    /// Each parameter of each group that has a gradient: the gradient checked against it, its
    /// buffers created on first use, its step count advanced, then ``update``.
    func updateEachParameter() {
        for group in parameterGroups {
            for p in group.parameters {
                guard let grad = p.grad else { continue }
                checkGradient(grad, of: p, optimizer: name)
                let s = states.state(for: p)
                if s.buffers.isEmpty { s.buffers = makeBuffers(for: p) }
                s.step += 1
                switch p.dtype {
                case .float32: update(Float.self, p, grad, s, group)
                case .float64: update(Double.self, p, grad, s, group)
                }
            }
        }
    }

    func savedState() -> [String: Tensor] { states.stateDict(of: self) }

    func restoreState(_ state: [String: Tensor]) throws {
        try states.load(state, into: self, bufferNames: bufferNames, scalarNames: scalarBufferNames)
    }
}

func checkGradient(_ grad: Tensor, of parameter: Variable, optimizer: String) {
    guard grad.shape == parameter.shape, grad.dtype == parameter.dtype else {
        fatalError("\(optimizer): the gradient (\(grad.shape), \(grad.dtype)) does not match its parameter (\(parameter.shape), \(parameter.dtype))")
    }
}

extension Tensor {
    /// The address of this tensor's elements after giving it storage of its own; valid while
    /// the owner keeps this tensor unchanged in place.
    mutating func uniquePointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        makeUnique()
        return buffer.pointer(T.self)
    }
}

/// PyTorch's `lerp(a, b, w)` (the form of its CPU kernel): `a + w(b - a)` for `|w| < ½`, else
/// `b - (b - a)(1 - w)`. Moving averages `m ← β m + (1-β) g` are computed this way.
@inline(__always)
func lerp<T: TensorScalar>(_ a: T, _ b: T, _ w: T) -> T {
    Swift.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
}

/// One block of a parameter update (see ``forEachBlock(count:gradient:weights:l2Decay:_:)``).
/// Its pointers are indexed by element index `i` in ``range``.
struct UpdateBlock<T: TensorScalar> {
    /// The element indices of this block.
    let range: Range<Int>
    /// The gradient, with the L2 term `λw` already added when there is one.
    let gradient: UnsafePointer<T>
    /// Free space for the update's intermediate values.
    let scratch: UnsafeMutablePointer<T>
    /// More free space, for updates that need two intermediate values per element.
    let scratch2: UnsafeMutablePointer<T>

    /// `x[i] = √x[i]` over the block (`x` is ``scratch`` or ``scratch2``), in one vectorised pass.
    func takeSquareRoots(_ x: UnsafeMutablePointer<T>) { squareRootInPlace(x + range.lowerBound, count: range.count) }
}

/// Runs an update over `0..<count` in blocks of up to 1024 elements, with scratch space on the
/// stack. An update written as a few short passes over a block (which stays in cache), each a
/// plain loop without branches, vectorises; one loop with the options' branches and a
/// `squareRoot()` call does not (on Linux `squareRoot()` calls libm's `sqrtf`, whose errno
/// contract keeps the loop scalar; ``UpdateBlock/takeSquareRoots(_:)`` avoids it).
@inline(__always)
func forEachBlock<T: TensorScalar>(count: Int, gradient g: UnsafePointer<T>, weights w: UnsafePointer<T>, l2Decay: Double,
                                   _ body: (UpdateBlock<T>) -> Void) {
    let blockSize = 1024
    let capacity = Swift.max(1, Swift.min(count, blockSize))
    let decay = T(l2Decay)
    withUnsafeTemporaryAllocation(of: T.self, capacity: 3 * capacity) { buffer in
        // Offset so that element indices address them (only indices in the block are used).
        var start = 0
        while start < count {
            let range = start..<Swift.min(start + blockSize, count)
            let scratch = buffer.baseAddress! - range.lowerBound
            var gradient = g
            if l2Decay != 0 {
                let decayed = scratch + 2 * capacity
                for i in range { decayed[i] = g[i] + decay * w[i] }
                gradient = UnsafePointer(decayed)
            }
            body(UpdateBlock(range: range, gradient: gradient, scratch: scratch, scratch2: scratch + capacity))
            start = range.upperBound
        }
    }
}

/// `x[i] = √x[i]` for `i < count`, vectorised (in C).
@inline(__always)
func squareRootInPlace<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, count: Int) {
    let raw = UnsafeMutableRawPointer(x)
    if T.self == Float.self {
        bp_sqrt_f32(raw.assumingMemoryBound(to: Float.self), count)
    } else {
        bp_sqrt_f64(raw.assumingMemoryBound(to: Double.self), count)
    }
}

/// The groups, after checking that there is something to optimize (an empty list is almost
/// always a model whose parameters were not passed) and that no parameter appears twice (it
/// would be updated twice per step), both of which PyTorch refuses too.
func checkedGroups(_ groups: [ParameterGroup], optimizer: String) -> [ParameterGroup] {
    guard groups.contains(where: { !$0.parameters.isEmpty }) else {
        fatalError("\(optimizer): got an empty parameter list (\(groups.count) group\(groups.count == 1 ? "" : "s"), no parameters); pass the model's parameters, e.g. \(optimizer)(parameters: model.parameters, ...)")
    }
    var seen = Set<ObjectIdentifier>()
    for (g, group) in groups.enumerated() {
        for (i, p) in group.parameters.enumerated() where !seen.insert(ObjectIdentifier(p)).inserted {
            fatalError("\(optimizer): parameter \(i) of group \(g)\(p.label.map { " ('\($0)')" } ?? "") (shape \(p.shape)) appears more than once in the parameter groups")
        }
    }
    return groups
}
