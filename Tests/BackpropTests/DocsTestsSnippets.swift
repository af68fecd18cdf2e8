// GENERATED from the ```swift blocks of docs/**/*.md by DocsTests.swift. Do not edit:
// change the markdown, then run scripts/extract-doc-snippets.sh.
import Foundation
import Testing
import Backprop

/// What the snippets print is captured (and compared with their ```text output blocks).
fileprivate func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    DocOutput.write(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

// Not compiled yet (the APIs they use are not merged yet):
// - README.md:25
// - Sources/Backprop/Backprop.docc/WritingYourOwnOptimizer.md:16

// Identical to a snippet tested below:
// - docs/ko/tutorial/01-loss-functions.md:23 = docs/tutorial/01-loss-functions.md:23
// - docs/ko/tutorial/01-loss-functions.md:43 = docs/tutorial/01-loss-functions.md:43
// - docs/ko/tutorial/01-loss-functions.md:81 = docs/tutorial/01-loss-functions.md:80
// - docs/ko/tutorial/01-loss-functions.md:98 = docs/tutorial/01-loss-functions.md:98
// - docs/ko/tutorial/01-loss-functions.md:118 = docs/tutorial/01-loss-functions.md:118
// - docs/ko/tutorial/02-gradient-descent.md:13 = docs/tutorial/02-gradient-descent.md:15
// - docs/ko/tutorial/02-gradient-descent.md:53 = docs/tutorial/02-gradient-descent.md:58
// - docs/ko/tutorial/03-mini-batches.md:28 = docs/tutorial/03-mini-batches.md:30
// - docs/ko/tutorial/04-backpropagation.md:66 = docs/tutorial/04-backpropagation.md:68
// - docs/ko/tutorial/05-minima-and-saddle-points.md:14 = docs/tutorial/05-minima-and-saddle-points.md:14
// - docs/ko/tutorial/05-minima-and-saddle-points.md:60 = docs/tutorial/05-minima-and-saddle-points.md:61
// - docs/ko/tutorial/06-optimizers.md:15 = docs/tutorial/06-optimizers.md:16
// - docs/ko/tutorial/07-mnist.md:59 = docs/tutorial/07-mnist.md:62
// - docs/ko/tutorial/07-mnist.md:96 = docs/tutorial/07-mnist.md:99
// - docs/ko/tutorial/08-character-language-model.md:54 = docs/tutorial/08-character-language-model.md:58
// - docs/ko/tutorial/08-character-language-model.md:72 = docs/tutorial/08-character-language-model.md:76
// - docs/ko/tutorial/08-character-language-model.md:108 = docs/tutorial/08-character-language-model.md:115
// - docs/ko/tutorial/08-character-language-model.md:155 = docs/tutorial/08-character-language-model.md:164

// docs/custom-operations.md:22
extension Variable {
    /// `x³`, elementwise; `d x³/dx = 3x²`.
    func cubed() -> Variable {
        Variable.record("cubed", value * value * value, inputs: [self],
                        derivative: "d x³/dx = 3x²") { g, _ in
            [g * 3 * self.squared()]
        }
    }
}

// docs/custom-operations.md:91
extension Variable {
    /// `a·b + b`, elementwise with broadcasting; `∂/∂a = b`, `∂/∂b = a + 1`.
    func timesPlusSelf(_ b: Variable) -> Variable {
        let a = self
        return Variable.record("timesPlusSelf", a.value * b.value + b.value, inputs: [a, b],
                               derivative: "d(ab+b)/da = b, d(ab+b)/db = a + 1") { g, _ in
            [a.requiresGrad ? (g * b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (g * (a + 1)).summed(toShape: b.shape) : nil]
        }
    }
}

// docs/custom-operations.md:125
extension Variable {
    /// `x³`; `d x³/dx = 3x²`, with a fast path on tensors.
    func cubedFast() -> Variable {
        Variable.record("cubed", value * value * value, inputs: [self], derivative: "d x³/dx = 3x²",
                        backward: { g, _ in [g * 3 * self.squared()] },
                        fastPath: { g, _ in [g * (self.value.squared() * 3)] })
    }
}

// docs/custom-optimizer.md:34
/// Lion (Chen et al., 2023): `w ← w (1 - lr λ) - lr · sign(β₁ m + (1 - β₁) g)`, then
/// `m ← β₂ m + (1 - β₂) g`.
final class Lion: OptimizerBase {
    init(parameters: [Variable], lr: Double = 1e-4, betas: (Double, Double) = (0.9, 0.99), weightDecay: Double = 0) {
        super.init(name: "Lion", groups: [ParameterGroup(parameters, lr: lr, weightDecay: weightDecay)],
                   hyperparameters: [.fraction("beta1", betas.0), .fraction("beta2", betas.1)])
    }

    override func makeState(for parameter: Tensor, group: ParameterGroup) -> [String: Tensor] {
        ["exp_avg": Tensor.zeros(like: parameter)]
    }

    override func update(_ w: inout Tensor, gradient g: Tensor, state: inout OptimizerState, group: ParameterGroup) {
        let (m, beta1, beta2) = (state["exp_avg"], group["beta1"], group["beta2"])
        let c = m * beta1 + g * (1 - beta1)
        w = w * (1 - group.lr * group.weightDecay) - c.sign() * group.lr
        state["exp_avg"] = m * beta2 + g * (1 - beta2)
    }
}

// docs/tutorial/08-character-language-model.md:58
/// The (context, next character) examples of `names`, three context indices per example.
func characterExamples(_ names: [String]) -> (contexts: [Int], targets: [Int]) {
    let vocabulary = Array(".abcdefghijklmnopqrstuvwxyz")
    var contexts: [Int] = [], targets: [Int] = []
    for name in names {
        var context = [0, 0, 0]
        for character in name + "." {
            let index = vocabulary.firstIndex(of: character)!
            contexts += context
            targets.append(index)
            context = Array(context.dropFirst()) + [index]
        }
    }
    return (contexts, targets)
}

// Sources/Backprop/Backprop.docc/WritingYourOwnOperation.md:15
extension Variable {
    /// `x / (1 + |x|)`, elementwise; `d softsign(x)/dx = 1 / (1 + |x|)²`.
    func softsign() -> Variable {
        Variable.record("softsign", value / (value.abs() + 1), inputs: [self],
                        derivative: "d softsign(x)/dx = 1 / (1 + |x|)²") { g, _ in
            let denominator = self.abs() + 1
            return [g / (denominator * denominator)]
        }
    }
}

@Suite("Docs snippets")
struct DocsSnippetTests {
    @Test("README.md:45") func README_md_line45() throws {
        DocOutput.run("README_md_line45") {
            let x = Variable(Tensor([0.5, -1.0, 2.0] as [Float]), requiresGrad: true, label: "x")
            let w = Variable(Tensor([1.5, 0.25, -0.5] as [Float]), requiresGrad: true, label: "w")

            // y = Σ tanh(w ⊙ x)², an ordinary Swift expression that records the graph.
            let y = ((w * x).tanh() * (w * x).tanh()).sum()
            y.backward()                       // reverse mode: dy/dx and dy/dw

            print(y.item())                    // the value
            print(x.grad!)                     // ∂y/∂x = 2 tanh(wx)(1 - tanh²(wx)) · w
            print(w.grad!)                     // ∂y/∂w = 2 tanh(wx)(1 - tanh²(wx)) · x
            _ = DocOutput.take()
        }
    }

    /// Compiled, not run.
    func README_md_line62() throws {
        var generator = SplitMix64(seed: 1)
        let model = Sequential(
            Linear(inputSize: 64, outputSize: 128, generator: &generator), ReLU(),
            Linear(inputSize: 128, outputSize: 10, generator: &generator))
        let optimizer = Adam(parameters: model.parameters, lr: 2e-3)

        let digits = URL(fileURLWithPath: "Examples/MLPClassifierCore/Resources/digits")
        let (train, test) = try MNIST.load(directory: digits)   // IDX files, pixels scaled to [0, 1]
        let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 2)   // a new shuffle each epoch
        for _ in 1...30 {
            for batch in loader {
                let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
            }
        }
        model.eval()
        let logits = withNoGrad { model(Variable(test.inputs)) }
        print(accuracy(logits: logits.value, labels: test.labels))
    }

    @Test("docs/custom-operations.md:47") func docs_custom_operations_md_line47() throws {
        DocOutput.run("docs_custom_operations_md_line47") {
            let x = Variable(Tensor([1.0, -2.0, 0.5], shape: [3]), requiresGrad: true, label: "x")
            let y = x.cubed().sum()
            let trace = BackwardTrace.run(y)
            print(trace)
            print(x.grad!.scalars(as: Double.self))    // 3x² = [3, 12, 0.75]
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            step  operation  output  ∂L/∂output  input  ∂L/∂input      local derivative
            ----  ---------  ------  ----------  -----  -------------  ----------------
            1     sum        v2      1           v1     [1, 1, 1]      d Σx/dx_i = 1
            2     cubed      v1      [1, 1, 1]   x      [3, 12, 0.75]  d x³/dx = 3x²
            [3.0, 12.0, 0.75]
            """##))

            // docs/custom-operations.md:69
            let check = GradientCheck.run(inputs: [Tensor([0.3, -1.1, 2.0] as [Double], shape: [3])]) { v in
                v[0].cubed().sum()
            }
            print(check.passed)
            let secondOrder = GradientCheck.runSecondOrder(inputs: [Tensor([0.3, -1.1, 2.0] as [Double], shape: [3])]) { v in
                v[0].cubed().sum()
            }
            print(secondOrder.passed)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true
            true
            """##))
        }
    }

    @Test("docs/custom-operations.md:105") func docs_custom_operations_md_line105() throws {
        DocOutput.run("docs_custom_operations_md_line105") {
            let a = Tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], shape: [2, 3])
            let b = Tensor([0.5, -1.0, 2.0], shape: [3])          // broadcast over the rows of a
            let check = GradientCheck.run(inputs: [a, b]) { v in v[0].timesPlusSelf(v[1]) }
            print(check.passed)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true
            """##))
        }
    }

    @Test("docs/custom-operations.md:139") func docs_custom_operations_md_line139() throws {
        DocOutput.run("docs_custom_operations_md_line139") {
            let x = Variable(Tensor([1.0, -2.0, 0.5], shape: [3]), requiresGrad: true)
            x.cubedFast().sum().backward()                       // the fast path
            print(x.grad!.scalars(as: Double.self))
            x.zeroGrad()
            x.cubedFast().sum().backward(createGraph: true)      // the rule, recorded
            print(x.grad!.scalars(as: Double.self))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            [3.0, 12.0, 0.75]
            [3.0, 12.0, 0.75]
            """##))
        }
    }

    @Test("docs/custom-optimizer.md:63") func docs_custom_optimizer_md_line63() throws {
        DocOutput.run("docs_custom_optimizer_md_line63") {
            var generator = SplitMix64(seed: 5)
            let model = Sequential(Linear(inputSize: 2, outputSize: 8, generator: &generator), Tanh(),
                                   Linear(inputSize: 8, outputSize: 1, generator: &generator))
            let x = Tensor([0, 0, 0, 1, 1, 0, 1, 1] as [Float], shape: [4, 2])
            let y = Tensor([0, 1, 1, 0] as [Float], shape: [4, 1])
            let optimizer = Lion(parameters: model.parameters, lr: 0.01)
            print(optimizer)
            var firstLoss = 0.0, lastLoss = 0.0
            for step in 0..<300 {
                let loss = mseLoss(model(Variable(x)), y)
                if step == 0 { firstLoss = loss.item(as: Double.self) }
                lastLoss = loss.item(as: Double.self)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
            }
            print(lastLoss < firstLoss / 10)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            Lion(lr: 0.01, weight_decay: 0.0, beta1: 0.9, beta2: 0.99)
            true
            """##))

            // docs/custom-optimizer.md:90
            let p = Variable(Tensor([0.5, -1.2, 2.0] as [Float]), requiresGrad: true)
            let lion = Lion(parameters: [p], lr: 0.1, betas: (0.9, 0.99), weightDecay: 0.1)
            for g in [[1.0, -2.0, 0.5], [0.1, 0.2, -0.1], [0.05, -0.1, 3.0], [-0.3, 0.0, 0.2]] as [[Float]] {
                p.grad = Tensor(g)
                lion.step()
            }
            print(p.value.scalars(as: Float.self))
            print(lion.state(of: p)["exp_avg"]!.scalars(as: Float.self))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            [0.28625813, -0.95469534, 1.7231722]
            [0.008178091, -0.01843578, 0.035571393]
            """##))
        }
    }

    @Test("docs/interop.md:19") func docs_interop_md_line19() throws {
        try DocOutput.run("docs_interop_md_line19") {
            var generator = SplitMix64(seed: 1)
            let model = Sequential(Linear(inputSize: 64, outputSize: 128, generator: &generator), ReLU(),
                                   Dropout(p: 0.2), Linear(inputSize: 128, outputSize: 10, generator: &generator))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("digits.onnx")
            try exportONNX(model, inputShape: [64], to: file)
            _ = DocOutput.take()
        }
    }

    @Test("docs/interop.md:73") func docs_interop_md_line73() throws {
        try DocOutput.run("docs_interop_md_line73") {
            var g = SplitMix64(seed: 3)
            let lm = Sequential(Embedding(numEmbeddings: 27, embeddingDim: 10, generator: &g), Flatten(),
                                Linear(inputSize: 30, outputSize: 64, generator: &g), LayerNorm([64]), Tanh(),
                                Linear(inputSize: 64, outputSize: 27, generator: &g))
            try exportONNX(lm, inputShape: [3], to: FileManager.default.temporaryDirectory.appendingPathComponent("names.onnx"))
            _ = DocOutput.take()
        }
    }

    @Test("docs/interop.md:112") func docs_interop_md_line112() throws {
        try DocOutput.run("docs_interop_md_line112") {
            /// `y = x · factor`.
            final class Scale: Module, ONNXExportable {
                let factor: Double
                var isTraining = true
                init(factor: Double) { self.factor = factor }
                func callAsFunction(_ input: Variable) -> Variable { input * factor }
                var namedParameters: [(name: String, parameter: Variable)] { [] }

                func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
                    let factor = graph.constant([factor], shape: [])      // an initializer in the model's dtype
                    return ONNXValue(name: graph.node("Mul", [input.name, factor]), shape: input.shape)
                }
            }
            var g = SplitMix64(seed: 2)
            let scaled = Sequential(Linear(inputSize: 3, outputSize: 2, generator: &g), Scale(factor: 0.5))
            try exportONNX(scaled, inputShape: [3], to: FileManager.default.temporaryDirectory.appendingPathComponent("scaled.onnx"))
            _ = DocOutput.take()
        }
    }

    @Test("docs/interop.md:143") func docs_interop_md_line143() throws {
        try DocOutput.run("docs_interop_md_line143") {
            var generator = SplitMix64(seed: 1)
            let net = Sequential(Linear(inputSize: 2, outputSize: 8, generator: &generator), Tanh(),
                                 Linear(inputSize: 8, outputSize: 1, generator: &generator))
            let optimizer = Adam(parameters: net.parameters, lr: 0.01)
            let logs = FileManager.default.temporaryDirectory.appendingPathComponent("runs")
            let writer = try SummaryWriter(logDirectory: logs.appendingPathComponent("adam-lr0.01"))
            try writer.addText("settings", "Adam, lr 0.01, 2-8-1 tanh", step: 0)
            let x = Variable(Tensor([0, 0, 0, 1, 1, 0, 1, 1] as [Float], shape: [4, 2]))
            let y = Variable(Tensor([0, 1, 1, 0] as [Float], shape: [4, 1]))
            for step in 1...100 {
                let loss = mseLoss(net(x), y)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                try writer.addScalar("loss", loss.item(as: Double.self), step: step)
                if step % 25 == 0 { try writer.addHistograms(of: net, step: step) }   // weights/… and gradients/…
            }
            writer.close()
            _ = DocOutput.take()
        }
    }

    @Test("docs/tutorial/01-loss-functions.md:23") func docs_tutorial_01_loss_functions_md_line23() throws {
        DocOutput.run("docs_tutorial_01_loss_functions_md_line23") {
            let prediction = Variable(Tensor([2.5, 0.0, 2.0] as [Double], shape: [3]), requiresGrad: true)
            let target = Variable(Tensor([3.0, -0.5, 2.0] as [Double], shape: [3]))
            let mse = (prediction - target).squared().mean()
            mse.backward()
            print(mse.item(as: Double.self))   // (0.25 + 0.25 + 0) / 3
            print(prediction.grad!)            // 2(ŷ − y)/N
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            0.16666666666666666
            tensor([-0.3333,  0.3333,  0.0000], dtype=float64)
            """##))
        }
    }

    @Test("docs/tutorial/01-loss-functions.md:43") func docs_tutorial_01_loss_functions_md_line43() throws {
        DocOutput.run("docs_tutorial_01_loss_functions_md_line43") {
            let prediction = Variable(Tensor([2.5, 0.0, 2.0] as [Double], shape: [3]), requiresGrad: true)
            let target = Variable(Tensor([3.0, -0.5, 2.0] as [Double], shape: [3]))
            let loss = mseLoss(prediction, target)                        // 0.16667
            let perElement = mseLoss(prediction, target, reduction: .none) // [0.25, 0.25, 0]
            print(loss.item(as: Double.self))
            print(perElement.value.scalars(as: Double.self))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            0.16666666666666666
            [0.25, 0.25, 0.0]
            """##))
        }
    }

    @Test("docs/tutorial/01-loss-functions.md:80") func docs_tutorial_01_loss_functions_md_line80() throws {
        DocOutput.run("docs_tutorial_01_loss_functions_md_line80") {
            let logits = Variable(Tensor([2.0, 1.0, 0.1] as [Double], shape: [1, 3]), requiresGrad: true)
            let trueClass = 0
            let loss = -logits.logSoftmax(axis: 1).slice(axis: 1, trueClass..<trueClass + 1).mean()
            loss.backward()
            print(String(format: "loss %.4f", loss.item(as: Double.self)))
            print(logits.grad!)                 // softmax(z) − one-hot: [0.659 − 1, 0.242, 0.099]
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            loss 0.4170
            tensor([[-0.3410,  0.2424,  0.0986]], dtype=float64)
            """##))
        }
    }

    @Test("docs/tutorial/01-loss-functions.md:98") func docs_tutorial_01_loss_functions_md_line98() throws {
        DocOutput.run("docs_tutorial_01_loss_functions_md_line98") {
            let logits = Variable(Tensor([2.0, 1.0, 0.1, 0.5, 2.5, 0.3] as [Double], shape: [2, 3]), requiresGrad: true)
            let loss = crossEntropy(logits, classes: [0, 1])   // mean over the 2 examples
            loss.backward()
            print(String(format: "%.4f", loss.item(as: Double.self)))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            0.3185
            """##))
        }
    }

    @Test("docs/tutorial/01-loss-functions.md:118") func docs_tutorial_01_loss_functions_md_line118() throws {
        DocOutput.run("docs_tutorial_01_loss_functions_md_line118") {
            let z = Variable(-6.0, dtype: .float64, requiresGrad: true)
            let squaredError = (z.sigmoid() - 1).squared()
            squaredError.backward()
            print(String(format: "squared error: loss %.4f, gradient %.5f", squaredError.item(as: Double.self), z.grad!.item(as: Double.self)))

            z.zeroGrad()
            let crossEntropyLoss = -z.sigmoid().log()      // −log p for the label 1
            crossEntropyLoss.backward()
            print(String(format: "cross-entropy: loss %.4f, gradient %.5f", crossEntropyLoss.item(as: Double.self), z.grad!.item(as: Double.self)))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            squared error: loss 0.9951, gradient -0.00492
            cross-entropy: loss 6.0025, gradient -0.99753
            """##))
        }
    }

    @Test("docs/tutorial/02-gradient-descent.md:15") func docs_tutorial_02_gradient_descent_md_line15() throws {
        DocOutput.run("docs_tutorial_02_gradient_descent_md_line15") {
            // Minimise L(w) = (w − 3)², whose gradient is 2(w − 3).
            let w = Variable(0.0, dtype: .float64, requiresGrad: true, label: "w")
            let learningRate = 0.1
            for step in 1...5 {
                let loss = (w - 3).squared()
                w.zeroGrad()                                // gradients add up until cleared
                loss.backward()
                w.value = w.value - w.grad! * learningRate   // θ ← θ − η ∇L
                print(step, String(format: "loss %.4f  w %.4f", loss.item(as: Double.self), w.item(as: Double.self)))
            }
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            1 loss 9.0000  w 0.6000
            2 loss 5.7600  w 1.0800
            3 loss 3.6864  w 1.4640
            4 loss 2.3593  w 1.7712
            5 loss 1.5099  w 2.0170
            """##))
        }
    }

    @Test("docs/tutorial/02-gradient-descent.md:58") func docs_tutorial_02_gradient_descent_md_line58() throws {
        DocOutput.run("docs_tutorial_02_gradient_descent_md_line58") {
            func descend(learningRate: Double, steps: Int) -> Double {
                let w = Variable(0.0, dtype: .float64, requiresGrad: true)
                for _ in 0..<steps {
                    let loss = (w - 3).squared()
                    w.zeroGrad()
                    loss.backward()
                    w.value = w.value - w.grad! * learningRate
                }
                return w.item(as: Double.self)
            }
            for learningRate in [0.01, 0.1, 0.9, 1.1] {
                print("η =", learningRate, "→ w after 20 steps:", String(format: "%.4f", descend(learningRate: learningRate, steps: 20)))
            }
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            η = 0.01 → w after 20 steps: 0.9972
            η = 0.1 → w after 20 steps: 2.9654
            η = 0.9 → w after 20 steps: 2.9654
            η = 1.1 → w after 20 steps: -112.0128
            """##))
        }
    }

    @Test("docs/tutorial/03-mini-batches.md:30") func docs_tutorial_03_mini_batches_md_line30() throws {
        DocOutput.run("docs_tutorial_03_mini_batches_md_line30") {
            var generator = SplitMix64(seed: 0)
            let xs = Tensor.uniform([256, 1], low: -1, high: 1, dtype: .float64, generator: &generator)
            let ys = xs * 2 + 1 + Tensor.normal([256, 1], std: 0.1, dtype: .float64, generator: &generator)

            func fit(batchSize: Int, epochs: Int, learningRate: Double) -> String {
                let w = Variable(0.0, dtype: .float64, requiresGrad: true)
                let b = Variable(0.0, dtype: .float64, requiresGrad: true)
                var shuffler = SplitMix64(seed: 1)
                var steps = 0
                for _ in 0..<epochs {
                    // Fisher–Yates: a new random order of 0..<256 every epoch.
                    var order = Array(0..<256)
                    for i in stride(from: order.count - 1, to: 0, by: -1) {
                        order.swapAt(i, Int(shuffler.next() % UInt64(i + 1)))
                    }
                    for start in stride(from: 0, to: order.count, by: batchSize) {
                        let rows = Array(order[start..<min(start + batchSize, order.count)])
                        let x = Variable(xs.gatherRows(rows)), y = Variable(ys.gatherRows(rows))
                        let loss = (x * w + b - y).squared().mean()
                        w.zeroGrad(); b.zeroGrad()
                        loss.backward()
                        w.value = w.value - w.grad! * learningRate
                        b.value = b.value - b.grad! * learningRate
                        steps += 1
                    }
                }
                return String(format: "%4d steps: w = %.3f, b = %.3f", steps, w.item(as: Double.self), b.item(as: Double.self))
            }

            print("batch      ", fit(batchSize: 256, epochs: 10, learningRate: 0.1))
            print("stochastic ", fit(batchSize: 1, epochs: 10, learningRate: 0.1))
            print("mini-batch ", fit(batchSize: 32, epochs: 10, learningRate: 0.1))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            batch         10 steps: w = 1.001, b = 0.915
            stochastic  2560 steps: w = 1.988, b = 1.028
            mini-batch    80 steps: w = 1.980, b = 1.007
            """##))

            // docs/tutorial/03-mini-batches.md:91
            let loader = DataLoader(TensorDataset(inputs: xs, targets: ys), batchSize: 32, shuffle: true, seed: 1)
            let w = Variable(0.0, dtype: .float64, requiresGrad: true)
            let b = Variable(0.0, dtype: .float64, requiresGrad: true)
            for _ in 0..<10 {                       // each pass over the loader is one epoch
                for batch in loader {
                    let loss = (Variable(batch.inputs) * w + b - Variable(batch.targets)).squared().mean()
                    w.zeroGrad(); b.zeroGrad()
                    loss.backward()
                    w.value = w.value - w.grad! * 0.1
                    b.value = b.value - b.grad! * 0.1
                }
            }
            print(loader.batchCount, "batches per epoch")
            print(String(format: "DataLoader: w = %.3f, b = %.3f", w.item(as: Double.self), b.item(as: Double.self)))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            8 batches per epoch
            DataLoader: w = 1.980, b = 1.007
            """##))
        }
    }

    @Test("docs/tutorial/04-backpropagation.md:68") func docs_tutorial_04_backpropagation_md_line68() throws {
        try DocOutput.run("docs_tutorial_04_backpropagation_md_line68") {
            let x1 = Variable(2.0, dtype: .float64, requiresGrad: true, label: "x1")
            let x2 = Variable(0.0, dtype: .float64, requiresGrad: true, label: "x2")
            let w1 = Variable(-3.0, dtype: .float64, requiresGrad: true, label: "w1")
            let w2 = Variable(1.0, dtype: .float64, requiresGrad: true, label: "w2")
            let b = Variable(6.8813735870195432, dtype: .float64, requiresGrad: true, label: "b")

            let x1w1 = x1 * w1;          x1w1.label = "x1w1"
            let x2w2 = x2 * w2;          x2w2.label = "x2w2"
            let x1w1x2w2 = x1w1 + x2w2;  x1w1x2w2.label = "x1w1+x2w2"
            let n = x1w1x2w2 + b;        n.label = "n"
            let o = n.tanh();            o.label = "o"
            print(String(format: "o = %.6f", o.item(as: Double.self)))   // 1/√2
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            o = 0.707107
            """##))

            // docs/tutorial/04-backpropagation.md:94
            for value in [x1w1, x2w2, x1w1x2w2, n, o] { value.retainsGrad = true }   // see below
            let trace = BackwardTrace.run(o, retainGraph: true)
            print(trace)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            step  operation  output     ∂L/∂output  input      ∂L/∂input  local derivative
            ----  ---------  ---------  ----------  ---------  ---------  ----------------------------
            1     tanh       o          1           n          0.5        d tanh(x)/dx = 1 - tanh(x)²
            2     add        n          0.5         x1w1+x2w2  0.5        d(a+b)/da = 1, d(a+b)/db = 1
                                                    b          0.5
            3     add        x1w1+x2w2  0.5         x1w1       0.5        d(a+b)/da = 1, d(a+b)/db = 1
                                                    x2w2       0.5
            4     mul        x1w1       0.5         x1         -1.5       d(a*b)/da = b, d(a*b)/db = a
                                                    w1         1
            5     mul        x2w2       0.5         x2         0.5        d(a*b)/da = b, d(a*b)/db = a
                                                    w2         0
            """##))

            // docs/tutorial/04-backpropagation.md:116
            for leaf in [x1, w1, x2, w2, b] {
                print(leaf.label!, String(format: "%.4f", leaf.grad!.item(as: Double.self)))
            }
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            x1 -1.5000
            w1 1.0000
            x2 0.5000
            w2 0.0000
            b 0.5000
            """##))

            // docs/tutorial/04-backpropagation.md:150
            let picture = GraphvizExport(o)
            print(picture.dot.contains("value 0.7071\\lgrad 1\\l"))   // o's box shows its value and gradient
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true
            """##))

            // docs/tutorial/04-backpropagation.md:161
            let folder = FileManager.default.temporaryDirectory
            try picture.write(to: folder.appendingPathComponent("neuron.dot"))
            do {
                try picture.render(to: folder.appendingPathComponent("neuron.svg"))
            } catch {
                print("no picture:", error)   // GraphvizExport.RenderError: how to install Graphviz
            }
            _ = DocOutput.take()
        }
    }

    @Test("docs/tutorial/05-minima-and-saddle-points.md:14") func docs_tutorial_05_minima_and_saddle_points_md_line14() throws {
        DocOutput.run("docs_tutorial_05_minima_and_saddle_points_md_line14") {
            func descend(from start: Double) -> (x: Double, f: Double) {
                let x = Variable(start, dtype: .float64, requiresGrad: true)
                for _ in 0..<200 {
                    let f = x.pow(4) - 3 * x.squared() + x
                    x.zeroGrad()
                    f.backward()
                    x.value = x.value - x.grad! * 0.01
                }
                let value = x.item(as: Double.self)
                return (value, value * value * value * value - 3 * value * value + value)
            }
            for start in [-2.0, -0.5, 0.5, 2.0] {
                let end = descend(from: start)
                print(String(format: "start %5.1f → x = %6.3f, f(x) = %.3f", start, end.x, end.f))
            }
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            start  -2.0 → x = -1.301, f(x) = -3.514
            start  -0.5 → x = -1.301, f(x) = -3.514
            start   0.5 → x =  1.131, f(x) = -1.070
            start   2.0 → x =  1.131, f(x) = -1.070
            """##))
        }
    }

    @Test("docs/tutorial/05-minima-and-saddle-points.md:61") func docs_tutorial_05_minima_and_saddle_points_md_line61() throws {
        DocOutput.run("docs_tutorial_05_minima_and_saddle_points_md_line61") {
            func descend(fromX x0: Double, y y0: Double, steps: Int) -> String {
                let p = Variable(Tensor([x0, y0], shape: [2]), requiresGrad: true)
                for _ in 0..<steps {
                    let x = p.slice(axis: 0, 0..<1), y = p.slice(axis: 0, 1..<2)
                    let f = (x.squared() - y.squared()).sum()
                    p.zeroGrad()
                    f.backward()
                    p.value = p.value - p.grad! * 0.1
                }
                let q = p.value.scalars(as: Double.self)
                return String(format: "(%.4g, %.4g) → (%.4g, %.4g), f = %.4g", x0, y0, q[0], q[1], q[0] * q[0] - q[1] * q[1])
            }
            print(descend(fromX: 1, y: 0, steps: 50))
            print(descend(fromX: 1, y: 1e-6, steps: 50))
            print(descend(fromX: 1, y: 1e-6, steps: 100))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            (1, 0) → (1.427e-05, 0), f = 2.037e-10
            (1, 1e-06) → (1.427e-05, 0.0091), f = -8.282e-05
            (1, 1e-06) → (2.037e-10, 82.82), f = -6859
            """##))
        }
    }

    @Test("docs/tutorial/06-optimizers.md:16") func docs_tutorial_06_optimizers_md_line16() throws {
        DocOutput.run("docs_tutorial_06_optimizers_md_line16") {
            /// Runs `steps` steps of `optimizer` on the Rosenbrock function from (−1.5, 2).
            func minimizeRosenbrock(steps: Int, _ makeOptimizer: ([Variable]) -> any Optimizer) -> String {
                let p = Variable(Tensor([-1.5, 2.0] as [Double], shape: [2]), requiresGrad: true, label: "p")
                let optimizer = makeOptimizer([p])
                var loss = 0.0
                for _ in 0..<steps {
                    optimizer.zeroGrad()
                    let x = p.slice(axis: 0, 0..<1), y = p.slice(axis: 0, 1..<2)
                    let f = ((1 - x).squared() + 100 * (y - x.squared()).squared()).sum()
                    f.backward()
                    optimizer.step()
                    loss = f.item(as: Double.self)
                }
                let q = p.value.scalars(as: Double.self)
                return String(format: "(%.3f, %.3f), f = %.4f", q[0], q[1], loss)
            }
            print("plain SGD:", minimizeRosenbrock(steps: 2000) { SGD(parameters: $0, lr: 1e-4) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            plain SGD: (-1.309, 1.722), f = 5.3383
            """##))

            // docs/tutorial/06-optimizers.md:58
            print("momentum:", minimizeRosenbrock(steps: 2000) { SGD(parameters: $0, lr: 1e-4, momentum: 0.9) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            momentum: (0.560, 0.312), f = 0.1942
            """##))

            // docs/tutorial/06-optimizers.md:79
            print("Nesterov:", minimizeRosenbrock(steps: 2000) { SGD(parameters: $0, lr: 1e-4, momentum: 0.9, nesterov: true) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            Nesterov: (0.558, 0.309), f = 0.1960
            """##))

            // docs/tutorial/06-optimizers.md:101
            print("Adagrad:", minimizeRosenbrock(steps: 2000) { Adagrad(parameters: $0, lr: 0.5) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            Adagrad: (0.630, 0.396), f = 0.1370
            """##))

            // docs/tutorial/06-optimizers.md:120
            print("RMSprop:", minimizeRosenbrock(steps: 2000) { RMSprop(parameters: $0, lr: 1e-2) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            RMSprop: (0.938, 0.895), f = 0.0243
            """##))

            // docs/tutorial/06-optimizers.md:146
            print("Adam:", minimizeRosenbrock(steps: 2000) { Adam(parameters: $0, lr: 0.05) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            Adam: (1.000, 1.000), f = 0.0000
            """##))
        }
    }

    /// Compiled, not run.
    func docs_tutorial_07_mnist_md_line62() throws {
        let (train, test) = try MNIST.load(directory: URL(fileURLWithPath: "data/mnist"))
        var generator = SplitMix64(seed: 1)
        let model = Sequential(
            Linear(inputSize: 784, outputSize: 256, generator: &generator), ReLU(),
            Linear(inputSize: 256, outputSize: 128, generator: &generator), ReLU(),
            Linear(inputSize: 128, outputSize: 10, generator: &generator))
        let optimizer = Adam(parameters: model.parameters, lr: 1e-3)
        let loader = DataLoader(train, batchSize: 128, shuffle: true, seed: 2, dropLast: false)

        for epoch in 1...5 {
            model.train()
            var total = 0.0, batches = 0
            for batch in loader {
                let logits = model(Variable(batch.inputs))
                let loss = crossEntropy(logits, classes: batch.labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                total += loss.item(as: Double.self)
                batches += 1
            }
            model.eval()
            let testBatch = test.batch(Array(0..<test.count))
            let logits = withNoGrad { model(Variable(testBatch.inputs)) }
            let testAccuracy = accuracy(logits: logits.value, labels: testBatch.labels)   // argmax == label
            print("epoch \(epoch): loss \(total / Double(batches)), test accuracy \(testAccuracy)")
        }
    }

    @Test("docs/tutorial/07-mnist.md:99") func docs_tutorial_07_mnist_md_line99() throws {
        try DocOutput.run("docs_tutorial_07_mnist_md_line99") {
            let (train, test) = try MNIST.load(directory: URL(fileURLWithPath: "Examples/MLPClassifierCore/Resources/digits"))
            var generator = SplitMix64(seed: 1)
            let model = Sequential(
                Linear(inputSize: 64, outputSize: 32, generator: &generator), ReLU(),
                Linear(inputSize: 32, outputSize: 10, generator: &generator))
            let optimizer = Adam(parameters: model.parameters, lr: 1e-2)
            let loader = DataLoader(train, batchSize: 64, shuffle: true, seed: 2)
            for _ in 1...10 {
                for batch in loader {
                    let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
                    optimizer.zeroGrad()
                    loss.backward()
                    optimizer.step()
                }
            }
            let testBatch = test.batch(Array(0..<test.count))
            let logits = withNoGrad { model(Variable(testBatch.inputs)) }
            print(train.count, "training and", test.count, "test images")
            print("test accuracy above 90 %:", accuracy(logits: logits.value, labels: testBatch.labels) > 0.9)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            1437 training and 360 test images
            test accuracy above 90 %: true
            """##))
        }
    }

    @Test("docs/tutorial/08-character-language-model.md:76") func docs_tutorial_08_character_language_model_md_line76() throws {
        DocOutput.run("docs_tutorial_08_character_language_model_md_line76") {
            let (contexts, targets) = characterExamples(["emma", "ava"])
            print(targets)            // e m m a . a v a .
            print(contexts.count / 3) // examples
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            [5, 13, 13, 1, 0, 1, 22, 1, 0]
            9
            """##))
        }
    }

    @Test("docs/tutorial/08-character-language-model.md:115") func docs_tutorial_08_character_language_model_md_line115() throws {
        DocOutput.run("docs_tutorial_08_character_language_model_md_line115") {
            // 3 characters, each a vector of 1 number: the table C is [3, 1].
            let C = Variable(Tensor([0.5, -1.0, 2.0] as [Double], shape: [3, 1]), requiresGrad: true, label: "C")
            let W = Variable(Tensor([1.0, 0.0, 0.0, 1.0, 1.0, -1.0] as [Double], shape: [3, 2]), requiresGrad: true, label: "W")

            // Two examples: context [0, 2] → target 1, context [2, 2] → target 0.
            let emb = embedding([0, 2, 2, 2], shape: [2, 2], weight: C);   emb.label = "emb"      // [2, 2, 1]
            let flat = emb.reshaped([2, 2]);                               flat.label = "flat"    // [2, 2]
            let logits = flat.matmul(W, transposeOther: true);             logits.label = "logits" // [2, 3]
            let loss = crossEntropy(logits, classes: [1, 0]);              loss.label = "loss"
            print(BackwardTrace.run(loss, valueLimit: 6))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            step  operation     output  ∂L/∂output                                            input   ∂L/∂input                                                 local derivative
            ----  ------------  ------  ----------------------------------------------------  ------  --------------------------------------------------------  ----------------------------------------------------------------
            1     mul           loss    1                                                     v2      0.5                                                       d(c*x)/dx = c
            2     sum           v2      0.5                                                   v1      [0.5, 0.5]                                                d Σx/dx_i = 1
            3     crossEntropy  v1      [0.5, 0.5]                                            logits  [[0.089, -0.1011, 0.012], [-0.2658, 0.2342, 0.0317]]      dℓ_i/dx_i = softmax(x_i) - q_i, q = (1-ε)·onehot(y) + ε/C
            4     matmul        logits  [[0.089, -0.1011, 0.012], [-0.2658, 0.2342, 0.0317]]  flat    [[0.1011, -0.1131], [-0.2342, 0.2025]]                    d(AB)/dA = G·Bᵀ, d(AB)/dB = Aᵀ·G
                                                                                              W       [[-0.4872, -0.3537], [0.4178, 0.2662], [0.0694, 0.0875]]
            5     reshape       flat    [[0.1011, -0.1131], [-0.2342, 0.2025]]                emb     [[[0.1011], [-0.1131]], [[-0.2342], [0.2025]]]            gradient reshaped back
            6     embedding     emb     [[[0.1011], [-0.1131]], [[-0.2342], [0.2025]]]        C       [[0.1011], [0], [-0.1448]]                                row j gets Σ of the gradients of positions p with indices[p] = j
            """##))
        }
    }

    @Test("docs/tutorial/08-character-language-model.md:164") func docs_tutorial_08_character_language_model_md_line164() throws {
        DocOutput.run("docs_tutorial_08_character_language_model_md_line164") {
            let vocabulary = Array(".abcdefghijklmnopqrstuvwxyz")
            let (contexts, targets) = characterExamples(["emma", "olivia", "ava", "isabella", "sophia"])

            var generator = SplitMix64(seed: 82)
            let table = Embedding(weight: Tensor.uniform([27, 10], low: -3.0.squareRoot(), high: 3.0.squareRoot(), generator: &generator))
            let hidden = Linear(inputSize: 30, outputSize: 200, generator: &generator)
            let output = Linear(inputSize: 200, outputSize: 27, generator: &generator)
            func logits(_ contexts: [Int]) -> Variable {
                let n = contexts.count / 3
                let vectors = table(contexts, shape: [n, 3])                 // [n, 3, 10]
                return output(hidden(vectors.reshaped([n, 30])).tanh())      // [n, 27]
            }

            let optimizer = SGD(parameters: table.parameters + hidden.parameters + output.parameters, lr: 0.1)
            var batches = SplitMix64(seed: 83)
            var losses: [Float] = []
            for step in 0..<300 {
                optimizer.lr = step < 150 ? 0.1 : 0.01
                let rows = (0..<8).map { _ in Int(batches.next() % UInt64(targets.count)) }
                let batchContexts = rows.flatMap { contexts[(3 * $0)..<(3 * $0 + 3)] }
                let loss = crossEntropy(logits(batchContexts), classes: rows.map { targets[$0] })
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            }
            let full = withNoGrad { crossEntropy(logits(contexts), classes: targets) }.item(as: Float.self)
            print(losses[0] > 3, full < 1)   // from about ln 27 to well below 1 on these five names
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true true
            """##))

            // docs/tutorial/08-character-language-model.md:211
            var draws = SplitMix64(seed: 84)
            var context = [0, 0, 0], name = ""
            while name.count < 20 {
                let p = withNoGrad { logits(context).softmax(axis: 1) }.value.scalars(as: Float.self)
                let u = Float(draws.nextUnit())                   // uniform in [0, 1)
                var k = 0, cumulative = p[0]
                while cumulative <= u && k < 26 { k += 1; cumulative += p[k] }
                if k == 0 { break }                               // "." ends the name
                name.append(vocabulary[k])
                context = Array(context.dropFirst()) + [k]
            }
            print(name.allSatisfy { vocabulary.contains($0) })
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/Backprop.md:15") func Sources_Backprop_Backprop_docc_Backprop_md_line15() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_Backprop_md_line15") {
            let model = Sequential(Linear(inputSize: 2, outputSize: 8), Tanh(), Linear(inputSize: 8, outputSize: 1))
            let optimizer = Adam(parameters: model.parameters, lr: 0.01)
            let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = Tensor([[0], [1], [1], [0]])
            for _ in 0..<200 {
                let loss = mseLoss(model(Variable(x)), y)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
            }
            _ = DocOutput.take()
        }
    }

    @Test("Sources/Backprop/Backprop.docc/GettingStarted.md:15") func Sources_Backprop_Backprop_docc_GettingStarted_md_line15() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_GettingStarted_md_line15") {
            let t = Tensor([[1, 2, 3], [4, 5, 6]])
            print(t)
            print(t[0], t[..., 1], t[-1, 1...])   // a row, a column, the end of the last row
            print(t.sum(axis: 1), t.dtype)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            tensor([[1., 2., 3.],
                    [4., 5., 6.]])
            tensor([1., 2., 3.]) tensor([2., 5.]) tensor([5., 6.])
            tensor([ 6., 15.]) float32
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/GettingStarted.md:42") func Sources_Backprop_Backprop_docc_GettingStarted_md_line42() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_GettingStarted_md_line42") {
            let x = Variable(Tensor([0.5, -1.0, 2.0]), requiresGrad: true)
            let y = (x * x).sum()          // y = Σ x²
            y.backward()
            print(y)
            print(x.grad!)                 // dy/dx = 2x
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            tensor(5.2500, grad_fn=<SumBackward>)
            tensor([ 1., -2.,  4.])
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/GettingStarted.md:63") func Sources_Backprop_Backprop_docc_GettingStarted_md_line63() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_GettingStarted_md_line63") {
            manualSeed(0)
            let model = Sequential(Linear(inputSize: 2, outputSize: 16), Tanh(), Linear(inputSize: 16, outputSize: 1))
            let optimizer = SGD(parameters: model.parameters, lr: 0.1, momentum: 0.9)
            let inputs = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
            let targets = Tensor([[0], [1], [1], [0]])
            for _ in 0..<500 {
                let loss = mseLoss(model(Variable(inputs)), targets)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
            }
            let predictions = withNoGrad { model(Variable(inputs)) }
            print((predictions.value > 0.5)[..., 0])
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            tensor([0., 1., 1., 0.])
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/SavingAndLoading.md:12") func Sources_Backprop_Backprop_docc_SavingAndLoading_md_line12() throws {
        try DocOutput.run("Sources_Backprop_Backprop_docc_SavingAndLoading_md_line12") {
            manualSeed(3)
            let model = Sequential(Linear(inputSize: 4, outputSize: 8), BatchNorm1d(features: 8), ReLU(),
                                   Linear(inputSize: 8, outputSize: 2))
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).safetensors")
            try SafeTensors.write(model.stateDict(), to: url)

            let restored = Sequential(Linear(inputSize: 4, outputSize: 8), BatchNorm1d(features: 8), ReLU(),
                                      Linear(inputSize: 8, outputSize: 2))
            try restored.loadStateDict(SafeTensors.read(from: url).tensors)
            model.eval()
            restored.eval()
            let x = Variable(Tensor.randn([3, 4]))
            print(restored(x).value == model(x).value)
            print(model.stateDict().keys.sorted())
            try FileManager.default.removeItem(at: url)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true
            ["0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean", "1.running_var", "1.weight", "3.bias", "3.weight"]
            """##))

            // Sources/Backprop/Backprop.docc/SavingAndLoading.md:45
            var state = model.stateDict()
            state["3.bais"] = state.removeValue(forKey: "3.bias")
            do {
                try restored.loadStateDict(state)
            } catch {
                print(error)
            }
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            loadStateDict: missing keys ["3.bias"]; unexpected keys ["3.bais"]
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/SavingAndLoading.md:70") func Sources_Backprop_Backprop_docc_SavingAndLoading_md_line70() throws {
        try DocOutput.run("Sources_Backprop_Backprop_docc_SavingAndLoading_md_line70") {
            var generator = SplitMix64(seed: 1)
            let model = Sequential(Linear(inputSize: 4, outputSize: 2, generator: &generator), Dropout(p: 0.1))
            let optimizer = Adam(parameters: model.parameters, lr: 1e-3)
            let scheduler = CosineAnnealingLR(optimizer, tMax: 10)
            let data = TensorDataset(inputs: Tensor.zeros([8, 4]), labels: [0, 1, 0, 1, 0, 1, 0, 1])
            let loader = DataLoader(data, batchSize: 4, shuffle: true, seed: 2)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("run.safetensors")

            try Checkpoint.save(model: model, optimizer: optimizer, scheduler: scheduler, loader: loader,
                                metadata: ["epoch": "3"], to: url)
            // later, with freshly built objects of the same shapes:
            let metadata = try Checkpoint.load(into: model, optimizer: optimizer, scheduler: scheduler,
                                               loader: loader, from: url)
            print(metadata)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            ["epoch": "3"]
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/WritingYourOwnModule.md:19") func Sources_Backprop_Backprop_docc_WritingYourOwnModule_md_line19() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_WritingYourOwnModule_md_line19") {
            final class Classifier: Module {
                let encoder: Sequential
                let blocks: [Linear]
                let norm = BatchNorm1d(features: 16)
                let dropout = Dropout(p: 0.2)
                let head: Linear
                let temperature = Variable(Tensor(1), requiresGrad: true)

                init(inputs: Int, classes: Int) {
                    encoder = Sequential(Linear(inputSize: inputs, outputSize: 16), ReLU())
                    blocks = (0..<2).map { _ in Linear(inputSize: 16, outputSize: 16) }
                    head = Linear(inputSize: 16, outputSize: classes)
                }

                func callAsFunction(_ x: Variable) -> Variable {
                    var h = encoder(x)
                    for block in blocks { h = (block(h) + h).relu() }
                    return head(dropout(norm(h))) / temperature
                }
            }

            manualSeed(1)
            let model = Classifier(inputs: 4, classes: 3)
            print(model.namedParameters.map(\.name))
            print(model.namedBuffers.map(\.name))
            print(model)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            ["temperature", "encoder.0.weight", "encoder.0.bias", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "norm.weight", "norm.bias", "head.weight", "head.bias"]
            ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked"]
            Classifier(
              (encoder): Sequential(
                (0): Linear(4 → 16)
                (1): ReLU()
              )
              (blocks.0): Linear(16 → 16)
              (blocks.1): Linear(16 → 16)
              (norm): BatchNorm1d(16)
              (dropout): Dropout(p: 0.2)
              (head): Linear(16 → 3)
            )
            """##))

            // Sources/Backprop/Backprop.docc/WritingYourOwnModule.md:71
            model.eval()
            let x = Variable(Tensor.randn([5, 4]))
            print(model(x).value == model(x).value, model.dropout.isTraining)
            model.train()
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true false
            """##))

            // Sources/Backprop/Backprop.docc/WritingYourOwnModule.md:96
            model.head.bias!.requiresGrad = false        // frozen: saved, not trained
            print(model.parameters.count, model.namedParameters.count)
            model.apply { module in
                if let linear = module as? Linear { linear.weight.value = linear.weight.value * 0.5 }
            }
            print(summary(of: model, inputShape: [2, 4]))
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            10 11
            Layer                      Output shape  Parameters
            encoder.0: Linear(4 → 16)                        80
            encoder.1: ReLU()                                 0
            blocks.0: Linear(16 → 16)                       272
            blocks.1: Linear(16 → 16)                       272
            norm: BatchNorm1d(16)                            32
            dropout: Dropout(p: 0.2)                          0
            head: Linear(16 → 3)                             51
            (output of Classifier)     [2, 3]                 0
            Total parameters: 708
            Trainable parameters: 705
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/WritingYourOwnModule.md:125") func Sources_Backprop_Backprop_docc_WritingYourOwnModule_md_line125() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_WritingYourOwnModule_md_line125") {
            final class Counter: Module {
                @Buffer(key: "seen") var count = Variable(Tensor(0))
                func callAsFunction(_ x: Variable) -> Variable {
                    count.value = count.value + Double(x.shape[0])
                    return x
                }
            }
            let counter = Counter()
            _ = counter(Variable(Tensor.zeros([3, 2])))
            print(counter.stateDict())
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            ["seen": tensor(3.)]
            """##))
        }
    }

    @Test("Sources/Backprop/Backprop.docc/WritingYourOwnOperation.md:33") func Sources_Backprop_Backprop_docc_WritingYourOwnOperation_md_line33() throws {
        DocOutput.run("Sources_Backprop_Backprop_docc_WritingYourOwnOperation_md_line33") {
            let point = Tensor([0.3, -1.1, 2.0] as [Double])
            print(GradientCheck.run(inputs: [point]) { v in v[0].softsign() }.passed)
            print(GradientCheck.runSecondOrder(inputs: [point]) { v in v[0].softsign().sum() }.passed)
            #expect(DocOutput.take() == DocOutput.trimmed(##"""
            true
            true
            """##))
        }
    }
}
