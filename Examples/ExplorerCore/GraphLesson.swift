import Backprop

/// A small computation graph, run forward and backward by the framework, written down so the
/// explorer page can replay it node by node: every value, every backward step with its local
/// rule, upstream gradient and the gradient passed to each input, and the running sum at a
/// node that receives gradients from more than one use.
public struct GraphLesson: Encodable, Sendable {
    public struct Node: Encodable, Sendable {
        /// Position in forward (topological) order, also the node's id.
        public let id: Int
        /// The label, or `v1`, `v2`, ... as in ``BackwardTrace`` and ``GraphvizExport``.
        public let name: String
        /// The operation that made it, or `nil` for a leaf.
        public let operation: String?
        /// The ids of the operation's inputs.
        public let inputs: [Int]
        /// The column in a left-to-right layout: the longest path from a leaf.
        public let column: Int
        public let shape: [Int]
        public let value: [Double]
        /// `∂L/∂node` after the whole backward pass (`nil` when no gradient reaches it).
        public let gradient: [Double]?
        /// Whether the node asks for a gradient (parameters and inputs marked `requiresGrad`).
        public let requiresGrad: Bool
    }

    /// One input's share of a backward step.
    public struct Contribution: Encodable, Sendable {
        public let node: Int
        /// `∂L/∂output · ∂output/∂input`, what this step passes to the input.
        public let gradient: [Double]
        /// Every contribution the input has received so far, this one last: a node used twice
        /// shows its gradient as their sum.
        public let terms: [[Double]]
        /// The input's gradient after this step (the sum of `terms`), as the framework holds it.
        public let accumulated: [Double]
    }

    public struct Step: Encodable, Sendable {
        public let operation: String
        public let derivative: String
        public let output: Int
        /// `∂L/∂output`, complete when the step runs.
        public let upstream: [Double]
        public let contributions: [Contribution]
    }

    public let title: String
    public let expression: String
    public let nodes: [Node]
    public let backward: [Step]

    /// Runs `build` (which returns the scalar loss), then `loss.backward()` under a trace.
    public init(title: String, expression: String, build: () -> Variable) {
        let loss = build()
        let walk = GraphWalk(from: loss)
        var id: [ObjectIdentifier: Int] = [:]
        for (index, value) in walk.values.enumerated() { id[ObjectIdentifier(value)] = index }
        var column: [Int] = []
        for value in walk.values {
            let inputs = value.creator?.inputs ?? []
            column.append(inputs.map { column[id[ObjectIdentifier($0)]!] + 1 }.max() ?? 0)
        }
        // Intermediate values keep their gradients so the page can show them after the pass.
        for value in walk.values where !value.isLeaf { value.retainsGrad = true }
        let inputIds = walk.values.map { ($0.creator?.inputs ?? []).map { id[ObjectIdentifier($0)]! } }
        let names = Dictionary(uniqueKeysWithValues: walk.values.map { (walk.name(of: $0), id[ObjectIdentifier($0)]!) })
        let trace = BackwardTrace.run(loss, retainGraph: true)

        var received: [Int: [[Double]]] = [:]
        backward = trace.rows.map { row in
            let contributions = row.inputs.compactMap { input -> Contribution? in
                guard let gradient = input.gradient, let node = names[input.name] else { return nil }
                let values = gradient.scalars(as: Double.self)
                received[node, default: []].append(values)
                let terms = received[node]!
                let sum = terms.dropFirst().reduce(terms[0]) { total, term in zip(total, term).map { $0 + $1 } }
                return Contribution(node: node, gradient: values, terms: terms, accumulated: sum)
            }
            return Step(operation: row.operation, derivative: row.derivative, output: names[row.output]!,
                        upstream: row.upstream.scalars(as: Double.self), contributions: contributions)
        }
        nodes = walk.values.enumerated().map { index, value in
            let gradient: [Double]? = index == walk.values.count - 1
                ? [Double](repeating: 1, count: value.value.count)
                : value.grad?.scalars(as: Double.self)
            return Node(id: index, name: walk.name(of: value), operation: value.creator?.name, inputs: inputIds[index],
                        column: column[index], shape: value.shape, value: value.value.scalars(as: Double.self),
                        gradient: gradient, requiresGrad: value.requiresGrad)
        }
        self.title = title
        self.expression = expression
    }

    /// The tutorial's neuron (Karpathy's micrograd numbers), `o = tanh(x1·w1 + x2·w2 + b)`.
    public static func neuron() -> GraphLesson {
        GraphLesson(title: "neuron", expression: "o = tanh(x1·w1 + x2·w2 + b)") {
            let x1 = Variable(2.0, dtype: .float64, requiresGrad: true, label: "x1")
            let x2 = Variable(0.0, dtype: .float64, requiresGrad: true, label: "x2")
            let w1 = Variable(-3.0, dtype: .float64, requiresGrad: true, label: "w1")
            let w2 = Variable(1.0, dtype: .float64, requiresGrad: true, label: "w2")
            let b = Variable(6.8813735870195432, dtype: .float64, requiresGrad: true, label: "b")
            let n = x1 * w1 + x2 * w2 + b
            n.label = "n"
            let o = n.tanh()
            o.label = "o"
            return o
        }
    }

    /// A 2-2-1 network on one example with a squared-error loss:
    /// `h = tanh(W1·x + b1)`, `y = W2·h + b2`, `L = (y − t)²`.
    public static func mlp() -> GraphLesson {
        GraphLesson(title: "mlp", expression: "L = (W2·tanh(W1·x + b1) + b2 − t)²") {
            func parameter(_ values: [Double], _ shape: [Int], _ label: String) -> Variable {
                Variable(Tensor(values, shape: shape), requiresGrad: true, label: label)
            }
            let x = Variable(Tensor([0.5, -1.0] as [Double], shape: [1, 2]), label: "x")
            let w1 = parameter([0.3, -0.6, 0.8, 0.2], [2, 2], "W1")
            let b1 = parameter([0.1, -0.1], [2], "b1")
            let w2 = parameter([0.7, -0.4], [1, 2], "W2")
            let b2 = parameter([0.05], [1], "b2")
            let t = Variable(Tensor([1.0] as [Double], shape: [1, 1]), label: "t")
            let h = (x.matmul(w1, transposeOther: true) + b1).tanh()
            h.label = "h"
            let y = h.matmul(w2, transposeOther: true) + b2
            y.label = "y"
            let loss = (y - t).squared().sum()
            loss.label = "L"
            return loss
        }
    }

    /// A value used twice: `d = a·b + a`, `L = d·d`. `a` gets one gradient through the product
    /// and one through the sum, and `d` feeds both inputs of the last product: both are sums.
    public static func reuse() -> GraphLesson {
        GraphLesson(title: "reuse", expression: "d = a·b + a,  L = d·d") {
            let a = Variable(1.5, dtype: .float64, requiresGrad: true, label: "a")
            let b = Variable(-2.0, dtype: .float64, requiresGrad: true, label: "b")
            let d = a * b + a
            d.label = "d"
            let loss = d * d
            loss.label = "L"
            return loss
        }
    }
}
