import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData
/// A backward pass written out step by step: for each operation, in the order backward
/// visits them (reverse topological order), the local derivative rule, the gradient arriving
/// from above (upstream, `∂L/∂output`) and the gradient the chain rule passes to each input
/// (`∂L/∂input = ∂L/∂output · ∂output/∂input`).
///
/// ```swift
/// let a = Variable(3.0, requiresGrad: true, label: "a")
/// let b = Variable(-2.0, requiresGrad: true, label: "b")
/// let loss = (a * b).tanh()
/// let trace = BackwardTrace.run(loss)   // runs loss.backward(), so a.grad and b.grad are set
/// print(trace)                          // the table
/// trace.rows[0].operation               // "tanh"
/// ```
///
/// Values keep their ``Variable/label``; the others are called `v1`, `v2`, ... in the order
/// they were computed (the same names ``GraphvizExport`` uses). Tensors with more than
/// `valueLimit` elements are shown by shape only; ``rows`` keep the full tensors.
public struct BackwardTrace: CustomStringConvertible, Sendable {
    /// One backward step: an operation passing its output's gradient to its inputs.
    public struct Row: Sendable {
        /// The step number, from 1.
        public let step: Int
        /// The operation's name (`"mul"`, `"tanh"`, ...).
        public let operation: String
        /// The operation's local derivative rule, e.g. `d tanh(x)/dx = 1 - tanh(x)²`.
        public let derivative: String
        /// The name of the operation's output.
        public let output: String
        /// `∂L/∂output`: the complete gradient of the output, summed over every path.
        public let upstream: Tensor
        /// Each input's name and the gradient passed to it (`nil` when the input needs none).
        public let inputs: [(name: String, gradient: Tensor?)]
    }

    /// The steps, in the order backward ran them.
    public let rows: [Row]
    /// Tensors with more elements than this are printed by shape only.
    public var valueLimit: Int

    /// Runs `loss.backward(gradient, retainGraph:)` and records every step.
    ///
    /// The pass is a real one: leaves' gradients accumulate as with a plain `backward()`.
    public static func run(_ loss: Variable, gradient: Tensor? = nil, retainGraph: Bool = false,
                           valueLimit: Int = 8) -> BackwardTrace {
        // Named before the pass, since backward frees the graph.
        let graph = GraphWalk(from: loss)
        var rows: [Row] = []
        loss.backward(gradient, retainGraph: retainGraph) { step in
            let inputs = zip(step.inputs, step.inputGradients).map { input, gradient in
                (name: graph.name(of: input), gradient: input.requiresGrad ? gradient : nil)
            }
            rows.append(Row(step: rows.count + 1, operation: step.operation.name, derivative: step.operation.derivative,
                            output: graph.name(of: step.output), upstream: step.upstream, inputs: inputs))
        }
        return BackwardTrace(rows: rows, valueLimit: valueLimit)
    }

    /// The steps as an aligned text table, one line per input of each operation.
    public var description: String {
        let header = ["step", "operation", "output", "∂L/∂output", "input", "∂L/∂input", "local derivative"]
        var table: [[String]] = []
        for row in rows {
            for (index, input) in row.inputs.enumerated() {
                let first = index == 0
                table.append([first ? "\(row.step)" : "", first ? row.operation : "", first ? row.output : "",
                              first ? TeachingFormat.tensor(row.upstream, limit: valueLimit) : "",
                              input.name, input.gradient.map { TeachingFormat.tensor($0, limit: valueLimit) } ?? "—",
                              first ? row.derivative : ""])
            }
        }
        let widths = header.indices.map { column in ([header] + table).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return ([header, rule] + table).map(line).joined(separator: "\n")
    }
}
