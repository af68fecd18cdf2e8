import Synchronization
import BackpropTensor

/// One step of a backward pass: an operation turning its output's gradient into its inputs'
/// gradients. Handed to the observer of ``Variable/backward(_:retainGraph:createGraph:observer:)``
/// (the teaching trace prints these).
public struct BackwardStep {
    /// The operation this step ran backward through.
    public let operation: Operation
    /// The operation's output, whose gradient arrived.
    public let output: Variable
    /// The gradient of the loss with respect to ``output`` (the upstream gradient).
    public let upstream: Tensor
    /// One entry per input of the operation; `nil` where the input gets no gradient.
    public let inputGradients: [Tensor?]
    /// The inputs, captured before the graph is freed.
    public let inputs: [Variable]
}

extension Variable {
    /// Backpropagation: computes the gradient of this variable with respect to every variable
    /// it was computed from that requires a gradient, and adds it to their ``grad``.
    ///
    /// Reverse-mode differentiation visits the operations in reverse topological order, so
    /// each operation sees the complete gradient of its output (the sum over every path that
    /// uses it) before passing gradients to its inputs by the chain rule.
    ///
    /// - Parameters:
    ///   - gradient: the gradient of some final scalar with respect to this variable; may be
    ///     omitted only when this variable is a scalar (then it is 1).
    ///   - retainGraph: keep the recorded operations so another backward pass can run through
    ///     them; by default they are freed, as in PyTorch (unless `createGraph` is set).
    ///   - createGraph: record the backward pass itself as a graph, so the gradients can be
    ///     differentiated again (Hessian-vector products, gradient penalties).
    ///   - observer: called after each operation's step, in order.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false,
                         observer: ((BackwardStep) -> Void)? = nil) {
        guard requiresGrad else {
            fatalError("backward: \(label.map { "'\($0)'" } ?? "this variable") does not require a gradient: no variable it was computed from has requiresGrad = true (or it was computed inside withNoGrad)")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                fatalError("backward: the gradient has shape \(gradient.shape) but the variable has shape \(shape)")
            }
            seed = gradient.converted(to: dtype)
        } else {
            guard value.count == 1 else {
                fatalError("backward: the variable has shape \(shape) (\(value.count) elements); backward() without a gradient needs a scalar. Pass the upstream gradient: backward(Tensor.ones(\(shape)))")
            }
            seed = Tensor.ones(shape, dtype: dtype)
        }

        let order = topologicalOrder()
        // Each node holds the gradient gathered for it so far (`pendingGradient`) until its
        // turn comes; nodes later in the order are always done before earlier ones.
        pendingGradient = Variable(seed)
        withGradEnabled(createGraph) {
            for node in order.reversed() {
                guard let g = node.pendingGradient else { continue }
                node.pendingGradient = nil
                if node.creator == nil || node.retainsGrad {
                    node.accumulateGrad(g, createGraph: createGraph)
                }
                guard let op = node.creator else { continue }
                guard let rule = op.backward else {
                    for other in order { other.pendingGradient = nil }
                    fatalError("backward: the graph through '\(op.name)' was already freed by an earlier backward pass; call the first backward with retainGraph: true to run backward through the graph twice")
                }
                let inputs = op.inputs
                // Under anomaly detection, check what this operation's rule returns (below)
                // rather than each primitive the rule is built from, so the report names it.
                let grads = AnomalyDetection.isEnabled
                    ? AnomalyDetection.$enabled.withValue(false) { rule(g, node) }
                    : rule(g, node)
                for (input, gi) in zip(inputs, grads) {
                    guard let gi, input.requiresGrad else { continue }
                    if AnomalyDetection.isEnabled {
                        AnomalyDetection.check(gi.value, producedBy: op.name, phase: "backward", creator: op)
                    }
                    guard gi.shape == input.shape else {
                        fatalError("backward: '\(op.name)' returned a gradient of shape \(gi.shape) for an input of shape \(input.shape)")
                    }
                    if let existing = input.pendingGradient { input.pendingGradient = existing + gi } else { input.pendingGradient = gi }
                }
                observer?(BackwardStep(operation: op, output: node, upstream: g.value,
                                       inputGradients: grads.map { $0?.value }, inputs: inputs))
            }
        }
        // As in PyTorch, recording the backward graph implies keeping the forward one.
        if !retainGraph && !createGraph {
            for node in order { node.creator?.free() }
        }
    }

    private func accumulateGrad(_ g: Variable, createGraph: Bool) {
        if createGraph {
            gradVariable = gradVariable.map { $0 + g } ?? g
        } else {
            let sum = gradVariable.map { $0.value + g.value } ?? g.value
            gradVariable = Variable(sum)
        }
    }

    /// The variables this one depends on (through operations whose inputs require gradients),
    /// each after all of its inputs. Iterative, since a deep graph would overflow the stack of
    /// a recursive walk.
    public func topologicalOrder() -> [Variable] {
        // Visited nodes are marked with a number unique to this walk (cheaper than a set).
        let mark = Variable.nextVisitMark.add(1, ordering: .relaxed).newValue
        var order: [Variable] = []
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard node.visitMark != mark else { continue }
            node.visitMark = mark
            stack.append((node, true))
            guard let creator = node.creator else { continue }
            for input in creator.inputs where input.requiresGrad && input.visitMark != mark {
                stack.append((input, false))
            }
        }
        return order
    }
}

/// The gradients of `output` with respect to `inputs`, returned rather than accumulated into
/// `grad` (PyTorch's `torch.autograd.grad`). With `createGraph`, the results are themselves
/// differentiable.
public func gradients(of output: Variable, withRespectTo inputs: [Variable], upstream: Tensor? = nil,
                      retainGraph: Bool = false, createGraph: Bool = false) -> [Variable?] {
    let saved = inputs.map { ($0.gradVariable, $0.retainsGrad) }
    for input in inputs { input.gradVariable = nil; input.retainsGrad = true }
    output.backward(upstream, retainGraph: retainGraph || createGraph, createGraph: createGraph)
    let result = inputs.map { $0.gradVariable }
    for (input, (grad, retains)) in zip(inputs, saved) { input.gradVariable = grad; input.retainsGrad = retains }
    return result
}
