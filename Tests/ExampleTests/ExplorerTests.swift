import Backprop
import ExplorerCore
import Foundation
import OptimizerComparisonCore
import Testing

/// The explorer page embeds only numbers the framework computed: these tests recompute them
/// independently (by hand, and by training the same network with a plain loop) and compare.
@Suite("Explorer page data")
struct ExplorerTests {
    private func node(_ lesson: GraphLesson, _ name: String) -> GraphLesson.Node {
        lesson.nodes.first { $0.name == name }!
    }

    /// The neuron o = tanh(x1·w1 + x2·w2 + b) with micrograd's numbers, derived by hand:
    /// n = 0.8813735870195432, o = tanh(n) = √2/2, do/dn = 1 − o² = 1/2, so
    /// ∂o/∂x1 = w1/2 = −1.5, ∂o/∂w1 = x1/2 = 1, ∂o/∂x2 = w2/2 = 0.5, ∂o/∂w2 = x2/2 = 0, ∂o/∂b = 0.5.
    @Test func neuronGradientsMatchTheHandDerivation() {
        let lesson = GraphLesson.neuron()
        let expected = ["x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5, "o": 1.0]
        for (name, gradient) in expected {
            #expect(abs(node(lesson, name).gradient![0] - gradient) < 1e-12, "\(name)")
        }
        #expect(abs(node(lesson, "o").value[0] - 0.5.squareRoot()) < 1e-12)
        // Backward visits tanh first, and the last contribution to each leaf is its full gradient.
        #expect(lesson.backward.first?.operation == "tanh")
        #expect(lesson.backward.first?.derivative.contains("tanh") == true)
        // The running sum a node holds after its last contribution is its final gradient.
        let contributions = lesson.backward.flatMap(\.contributions)
        for node in lesson.nodes where node.requiresGrad && node.operation == nil {
            #expect(contributions.last { $0.node == node.id }?.accumulated == node.gradient, "\(node.name)")
        }
    }

    /// A value used twice gets the sum of its uses: d = a·b + a, L = d·d with a = 1.5, b = −2:
    /// d = −1.5, ∂L/∂d = d + d = −3 (two terms), ∂L/∂a = −3·b + −3 = 6 + (−3) = 3 (two terms),
    /// ∂L/∂b = −3·a = −4.5.
    @Test func reuseShowsGradientsAsSums() {
        let lesson = GraphLesson.reuse()
        let contributions = lesson.backward.flatMap(\.contributions)
        func last(_ name: String) -> GraphLesson.Contribution {
            let id = node(lesson, name).id
            return contributions.last { $0.node == id }!
        }
        #expect(last("d").terms == [[-1.5], [-1.5]])
        #expect(last("d").accumulated == [-3])
        #expect(last("a").terms.count == 2)
        #expect(last("a").accumulated == [3])
        #expect(Set(last("a").terms.map { $0[0] }) == [6, -3])
        #expect(node(lesson, "b").gradient == [-4.5])
        #expect(node(lesson, "a").gradient == [3])
    }

    /// The 2-2-1 network's gradients equal a plain backward pass over the same expression.
    @Test func mlpGradientsMatchAPlainBackwardPass() {
        let lesson = GraphLesson.mlp()
        let x = Variable(Tensor([0.5, -1.0] as [Double], shape: [1, 2]))
        let w1 = Variable(Tensor([0.3, -0.6, 0.8, 0.2] as [Double], shape: [2, 2]), requiresGrad: true)
        let b1 = Variable(Tensor([0.1, -0.1] as [Double], shape: [2]), requiresGrad: true)
        let w2 = Variable(Tensor([0.7, -0.4] as [Double], shape: [1, 2]), requiresGrad: true)
        let b2 = Variable(Tensor([0.05] as [Double], shape: [1]), requiresGrad: true)
        let y = (x.matmul(w1, transposeOther: true) + b1).tanh().matmul(w2, transposeOther: true) + b2
        let loss = (y - Variable(Tensor([1.0] as [Double], shape: [1, 1]))).squared().sum()
        loss.backward()
        for (name, parameter) in [("W1", w1), ("b1", b1), ("W2", w2), ("b2", b2)] {
            let recorded = node(lesson, name).gradient!
            let plain = parameter.grad!.scalars(as: Double.self)
            #expect(zip(recorded, plain).allSatisfy { abs($0 - $1) < 1e-12 }, "\(name): \(recorded) vs \(plain)")
        }
        #expect(abs(node(lesson, "L").value[0] - loss.item(as: Double.self)) < 1e-12)
    }

    /// A recorded playground run equals the same training written out as a plain loop: the same
    /// final losses, and the final decision-boundary picture is the trained model's σ(logit).
    @Test func playgroundRunMatchesAPlainTrainingLoop() {
        var config = Playground.Config.standard("xor")
        config.hidden = [4]
        let run = Playground.run(config)
        #expect(run.steps.count == Playground.points && run.trainLoss.count == Playground.points)
        #expect(run.boundary.count == (Playground.points - 1) / Playground.pictureEvery + 1)
        #expect(run.units.count == run.boundary.count && run.units.allSatisfy { $0.count == 4 })

        let (train, test) = Playground.data("xor")
        var generator = SplitMix64(seed: 7)
        let l1 = Linear(inputSize: 2, outputSize: 4, generator: &generator)
        let l2 = Linear(inputSize: 4, outputSize: 1, generator: &generator)
        let optimizer = Adam(parameters: l1.parameters + l2.parameters, lr: 0.03)
        let loader = DataLoader(train, batchSize: 16, shuffle: true, seed: 3)
        for _ in 0..<Playground.epochs {
            for batch in loader {
                let loss = binaryCrossEntropyWithLogits(l2(l1(Variable(batch.inputs)).tanh()),
                                                        Variable(batch.targets.reshaped([-1, 1])))
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
            }
        }
        func loss(_ set: TensorDataset) -> Double {
            withNoGrad {
                let targets = Tensor(set.labels.map(Float.init), shape: [set.count, 1])
                return binaryCrossEntropyWithLogits(l2(l1(Variable(set.inputs)).tanh()), Variable(targets)).item(as: Double.self)
            }
        }
        #expect(abs(run.trainLoss.last! - loss(train)) <= 1e-4 * abs(loss(train)))
        #expect(abs(run.testLoss.last! - loss(test)) <= 1e-4 * abs(loss(test)))
        #expect(run.trainLoss.last! < 0.3, "xor with 4 tanh units should be learnt, got \(run.trainLoss.last!)")

        let grid = Playground.squareGrid(Playground.resolution, extent: 1.25)
        let p = withNoGrad { l2(l1(Variable(grid)).tanh()).value.sigmoid().scalars(as: Double.self) }
        #expect(run.boundary.last! == Playground.bytes(p, from: 0, to: 1))
    }

    /// The page embeds the data as JSON that decodes to the same numbers, stays small per run,
    /// and keeps nothing from outside (no http(s) asset).
    @Test func pageEmbedsTheDataAndNothingElse() throws {
        let configs = [Playground.Config.standard("circle"), { var c = Playground.Config.standard("circle"); c.hidden = []; return c }()]
        let data = ExplorerData(datasets: ["circle"], configs: configs, surfaces: [Surfaces.saddle], threads: 2)
        let html = try data.html()
        #expect(!html.contains("__EXPLORER_DATA__"))
        #expect(!html.contains("http://") && !html.contains("https://") || html.contains("http://www.w3.org/2000/svg"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
        let start = try #require(html.range(of: "<script id=\"explorer-data\" type=\"application/json\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let embedded = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "<\\/", with: "</")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(embedded.utf8)) as? [String: Any])
        let runs = try #require(decoded["runs"] as? [[String: Any]])
        #expect(runs.count == 2)
        #expect((runs[0]["trainLoss"] as? [Double]) == data.runs[0].trainLoss)
        let graphs = try #require(decoded["graphs"] as? [[String: Any]])
        #expect(graphs.count == 3)
        // Per run well under 40 kB: the full grid (195 runs) stays a few MB.
        let perRun = try JSONEncoder().encode(data.runs[0]).count
        #expect(perRun < 40_000, "a run takes \(perRun) bytes")
    }
}
