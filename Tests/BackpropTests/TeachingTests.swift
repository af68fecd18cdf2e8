import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// The single neuron of the tutorial, `o = tanh(x1·w1 + x2·w2 + b)`, with micrograd's numbers,
/// every intermediate labelled.
private func neuron() -> (inputs: [String: Variable], o: Variable, all: [String: Variable]) {
    func leaf(_ v: Double, _ name: String) -> Variable { Variable(v, dtype: .float64, requiresGrad: true, label: name) }
    let x1 = leaf(2, "x1"), x2 = leaf(0, "x2"), w1 = leaf(-3, "w1"), w2 = leaf(1, "w2")
    let b = leaf(6.8813735870195432, "b")
    let x1w1 = x1 * w1; x1w1.label = "x1w1"
    let x2w2 = x2 * w2; x2w2.label = "x2w2"
    let sum = x1w1 + x2w2; sum.label = "x1w1+x2w2"
    let n = sum + b; n.label = "n"
    let o = n.tanh(); o.label = "o"
    let leaves = ["x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b]
    return (leaves, o, leaves.merging(["x1w1": x1w1, "x2w2": x2w2, "x1w1+x2w2": sum, "n": n, "o": o]) { a, _ in a })
}

@Suite("Teaching")
struct TeachingTests {
    /// Forward and backward values of the neuron, derived by hand (docs/tutorial/04-backpropagation.md):
    /// n = 2·(-3) + 0·1 + 6.88137… = 0.88137… = atanh(1/√2), so o = 1/√2;
    /// do/dn = 1 - o² = 1/2; add passes 1/2 to b, x1w1+x2w2, x1w1 and x2w2;
    /// mul sends the other factor: ∂o/∂x1 = w1·½ = -1.5, ∂o/∂w1 = x1·½ = 1, ∂o/∂x2 = w2·½ = 0.5, ∂o/∂w2 = x2·½ = 0.
    @Test func neuronWalkThroughMatchesHandDerivation() {
        let (_, o, all) = neuron()
        let forward: [String: Double] = ["x1w1": -6, "x2w2": 0, "x1w1+x2w2": -6,
                                         "n": 0.8813735870195432, "o": 1 / 2.0.squareRoot()]
        for (name, expected) in forward {
            #expect(Swift.abs(all[name]!.item(as: Double.self) - expected) < 1e-12, "forward value of \(name)")
        }
        for name in ["x1w1", "x2w2", "x1w1+x2w2", "n", "o"] { all[name]!.retainsGrad = true }
        o.backward()
        let gradients: [String: Double] = ["o": 1, "n": 0.5, "b": 0.5, "x1w1+x2w2": 0.5, "x1w1": 0.5, "x2w2": 0.5,
                                           "x1": -1.5, "w1": 1, "x2": 0.5, "w2": 0]
        for (name, expected) in gradients {
            #expect(Swift.abs(all[name]!.grad!.item(as: Double.self) - expected) < 1e-12, "gradient of \(name)")
        }
    }

    @Test func traceOfTheNeuronFollowsReverseTopologicalOrder() {
        let (inputs, o, _) = neuron()
        let trace = BackwardTrace.run(o)
        #expect(trace.rows.map(\.operation) == ["tanh", "add", "add", "mul", "mul"])
        #expect(trace.rows.map(\.output) == ["o", "n", "x1w1+x2w2", "x2w2", "x1w1"]
                || trace.rows.map(\.output) == ["o", "n", "x1w1+x2w2", "x1w1", "x2w2"])
        #expect(trace.rows[0].derivative == "d tanh(x)/dx = 1 - tanh(x)²")
        #expect(Swift.abs(trace.rows[0].inputs[0].gradient!.item(as: Double.self) - 0.5) < 1e-12)
        let x1w1Step = trace.rows.first { $0.output == "x1w1" }!
        #expect(x1w1Step.inputs.map(\.name) == ["x1", "w1"])
        // 1 - tanh(n)² is 1/2 up to rounding.
        #expect(Swift.abs(x1w1Step.inputs[0].gradient!.item(as: Double.self) - -1.5) < 1e-12)
        #expect(Swift.abs(x1w1Step.inputs[1].gradient!.item(as: Double.self) - 1) < 1e-12)
        // The trace is a real backward pass.
        #expect(Swift.abs(inputs["w1"]!.grad!.item(as: Double.self) - 1) < 1e-12)
    }

    /// `L = sum(a * b + a)` for a = [1, 2], b = [3, -4] (float32): ∂L/∂(a*b+a) = [1, 1];
    /// add passes [1, 1] to a*b and to a; mul passes g·b = [3, -4] to a and g·a = [1, 2] to b;
    /// so a.grad = [3, -4] + [1, 1] = [4, -3].
    @Test func traceRowsOfATinyGraphHaveHandDerivedGradients() {
        let a = Variable([1, 2] as [Float], shape: [2], requiresGrad: true, label: "a")
        let b = Variable([3, -4] as [Float], shape: [2], requiresGrad: true, label: "b")
        let loss = (a * b + a).sum()
        let trace = BackwardTrace.run(loss)
        #expect(trace.rows.map(\.operation) == ["sum", "add", "mul"])
        // Unlabelled values are named in the order they were computed: a*b is v1, a*b+a is v2, the sum v3.
        #expect(trace.rows.map(\.output) == ["v3", "v2", "v1"])
        #expect(trace.rows[0].upstream.scalars(as: Float.self) == [1])
        #expect(trace.rows[1].inputs.map(\.name) == ["v1", "a"])
        #expect(trace.rows[1].inputs.map { $0.gradient!.scalars(as: Float.self) } == [[1, 1], [1, 1]])
        #expect(trace.rows[2].inputs.map { $0.gradient!.scalars(as: Float.self) } == [[3, -4], [1, 2]])
        #expect(a.grad!.scalars(as: Float.self) == [4, -3])
        #expect(b.grad!.scalars(as: Float.self) == [1, 2])

        let lines = trace.description.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("step  operation  output  ∂L/∂output  input  ∂L/∂input"))
        #expect(lines.count == 2 + 1 + 2 + 2)   // header, rule, one line per input
        #expect(lines[2].contains("sum") && lines[2].contains("d Σx/dx_i = 1"))
        #expect(lines[6].contains("[1, 2]"))
        // Columns are aligned: every input name starts at the same column.
        let column = lines[0].range(of: "input ")!.lowerBound.utf16Offset(in: lines[0])
        #expect(lines[5].dropFirst(column).hasPrefix("a "))
    }

    @Test func traceMarksInputsThatNeedNoGradient() {
        let x = Variable(3.0, dtype: .float64, label: "x")          // data: no gradient
        let w = Variable(2.0, dtype: .float64, requiresGrad: true, label: "w")
        let trace = BackwardTrace.run(w * x)
        #expect(trace.rows.count == 1)
        #expect(trace.rows[0].inputs[0].name == "w" && trace.rows[0].inputs[0].gradient?.item(as: Double.self) == 3)
        #expect(trace.rows[0].inputs[1].name == "x" && trace.rows[0].inputs[1].gradient == nil)
        #expect(trace.description.contains("—"))
    }

    @Test func dotOfATinyGraphHasItsNodesAndEdges() {
        let a = Variable([1, 2] as [Float], shape: [2], requiresGrad: true, label: "a")
        let b = Variable(Tensor.ones([3, 3]), label: "b")       // 9 elements: shape only
        let y = (a * a).sum() * b
        let dot = GraphvizExport(y).dot
        #expect(dot.hasPrefix("digraph backprop {"))
        #expect(dot.hasSuffix("}\n"))
        // Values in forward order: a, v1 = a*a, v2 = sum, b, v3 = v2*b.
        #expect(dot.contains(##"value0 [shape=box, style=filled, fillcolor="#dbe9f6", label="a\lshape [2]\lvalue [1, 2]\l"];"##))
        #expect(dot.contains(#"value1 [shape=box, label="v1\lshape [2]\lvalue [1, 4]\l"];"#))
        #expect(dot.contains(#"value2 [shape=box, label="v2\lshape []\lvalue 5\l"];"#))
        #expect(dot.contains(##"value3 [shape=box, style=filled, fillcolor="#eeeeee", label="b\lshape [3, 3]\l"];"##))
        #expect(dot.contains(#"op1 [shape=ellipse, label="mul", tooltip="d(a*b)/da = b, d(a*b)/db = a"];"#))
        #expect(dot.contains(#"op2 [shape=ellipse, label="sum""#))
        #expect(dot.contains(#"op4 [shape=ellipse, label="mul""#))
        // value → op → value, a used twice by the first mul.
        for edge in ["value0 -> op1;", "op1 -> value1;", "value1 -> op2;", "op2 -> value2;",
                     "value2 -> op4;", "value3 -> op4;", "op4 -> value4;"] {
            #expect(dot.contains(edge), "missing edge \(edge)")
        }
        #expect(dot.components(separatedBy: "value0 -> op1;").count == 3)
        #expect(dot.components(separatedBy: "->").count - 1 == 8)
    }

    @Test func dotValueLimitAndLayoutAreOptions() {
        let a = Variable([1, 2, 3] as [Float], shape: [3], requiresGrad: true, label: "a")
        let dot = GraphvizExport(a.exp(), valueLimit: 2, leftToRight: false).dot
        #expect(!dot.contains("rankdir"))
        #expect(dot.contains(#"label="a\lshape [3]\l""#))      // 3 elements > limit 2: shape only
        #expect(GraphvizExport(a.exp()).dot.contains("rankdir=LR;"))
    }

    @Test func dotShowsGradientsAfterABackwardThatRetainsTheGraph() {
        let x = Variable(3.0, dtype: .float64, requiresGrad: true, label: "x")
        let y = x * x
        y.backward(retainGraph: true)
        let dot = GraphvizExport(y).dot
        #expect(dot.contains(#"label="x\lshape []\lvalue 3\lgrad 6\l""#))
        #expect(dot.contains(#"label="mul""#))
        #expect(!dot.contains("freed"))
    }

    @Test func dotNotesAGraphFreedByBackward() {
        let x = Variable(3.0, dtype: .float64, requiresGrad: true, label: "x")
        let y = x.tanh()
        y.backward()
        let dot = GraphvizExport(y).dot
        #expect(dot.contains("tanh\\l(freed by backward: export before backward, or backward(retainGraph: true))"))
        #expect(!dot.contains("->  value0"))
    }

    @Test func dotEscapesQuotesInLabels() {
        let x = Variable(1.0, requiresGrad: true, label: #"say "hi" \ bye"#)
        let dot = GraphvizExport(x.exp()).dot
        #expect(dot.contains(#"label="say \"hi\" \\ bye\lshape []"#))
    }

    @Test func renderWithoutGraphvizSaysHowToInstallIt() throws {
        let x = Variable(1.0, requiresGrad: true, label: "x")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("never-written.svg")
        do {
            try GraphvizExport(x.exp()).render(to: output, searchPath: "/nonexistent-directory")
            Issue.record("render should throw without dot")
        } catch let error as GraphvizExport.RenderError {
            #expect(error.description.contains("apt-get install graphviz"))
            #expect(error.description.contains("brew install graphviz"))
        }
    }

    @Test func renderWritesAnSVGWhenGraphvizIsInstalled() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard GraphvizExport.findExecutable("dot", searchPath: path) != nil else { return }  // optional tool
        let x = Variable(2.0, requiresGrad: true, label: "x")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-test-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: output) }
        try GraphvizExport((x * x).tanh()).render(to: output)
        let svg = try String(contentsOf: output, encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("tanh"))
    }

    @Test func numbersAreShortAndStable() {
        #expect(TeachingFormat.number(-3) == "-3")
        #expect(TeachingFormat.number(0.70710678) == "0.7071")
        #expect(TeachingFormat.number(0.5) == "0.5")
        #expect(TeachingFormat.number(-0.00001) == "-1.000e-05")
        #expect(TeachingFormat.tensor(Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])) == "[[1, 2], [3, 4]]")
        #expect(TeachingFormat.tensor(Tensor.zeros([3, 3])) == "tensor [3, 3]")
    }
}
