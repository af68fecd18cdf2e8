import Testing
import Foundation
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Each optimizer's first three steps on a fixed parameter and gradient sequence, compared with
/// numbers computed once with PyTorch 2.15 (CPU, float32, the default single-tensor path):
/// ```python
/// p = torch.tensor([0.5, -1.2, 2.0], requires_grad=True); opt = torch.optim.<Optimizer>([p], ...)
/// for g in [[1.0, -2.0, 0.5], [0.1, 0.2, -0.1], [0.05, -0.1, 3.0]]:
///     p.grad = torch.tensor(g); opt.step(); print(p)
/// ```
@Suite struct OptimizerTests {
    static let start: [Float] = [0.5, -1.2, 2.0]
    static let gradients: [[Float]] = [[1.0, -2.0, 0.5], [0.1, 0.2, -0.1], [0.05, -0.1, 3.0]]

    /// (name, make an optimizer, PyTorch's parameter after steps 1, 2, 3)
    static var references: [(String, ([Variable]) -> any Optimizer, [[Float]])] { [
        ("SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)",
         { SGD(parameters: $0, lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) },
         [[0.309049994, -0.817720056, 1.90120006], [0.208057806, -0.691194355, 1.87446773], [0.116547674, -0.53974396, 1.26955831]]),
        ("SGD(lr=0.1, momentum=0.9, dampening=0.1)",
         { SGD(parameters: $0, lr: 0.1, momentum: 0.9, dampening: 0.1) },
         [[0.400000006, -1, 1.95000005], [0.300999999, -0.838, 1.91400003], [0.207400009, -0.683200002, 1.61160004]]),
        ("SGD(lr=0.1)", { SGD(parameters: $0, lr: 0.1) },
         [[0.400000006, -1, 1.95000005], [0.390000015, -1.01999998, 1.96000004], [0.38500002, -1.00999999, 1.66000009]]),
        ("Adagrad(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)",
         { Adagrad(parameters: $0, lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1) },
         [[0.404610693, -1.10121274, 1.91455865], [0.394880295, -1.11036074, 1.92759776], [0.389890939, -1.10504329, 1.83152473]]),
        ("RMSprop(lr=0.01, alpha=0.9, centered=True, momentum=0.9, weight_decay=0.01)",
         { RMSprop(parameters: $0, lr: 0.01, alpha: 0.9, weightDecay: 0.01, momentum: 0.9, centered: true) },
         [[0.466666669, -1.16666675, 1.9666667], [0.433007389, -1.13988924, 1.94190943], [0.400714487, -1.11378109, 1.88629854]]),
        ("RMSprop(lr=0.01)", { RMSprop(parameters: $0, lr: 0.01) },
         [[0.400000006, -1.10000002, 1.89999998], [0.390000015, -1.11000001, 1.91970658], [0.384981155, -1.10498118, 1.82109344]]),
        ("Adam(lr=0.1)", { Adam(parameters: $0, lr: 0.1) },
         [[0.400000006, -1.10000002, 1.89999998], [0.325918943, -1.04073513, 1.84889734], [0.265547514, -0.991802514, 1.7793045]]),
        ("Adam(lr=0.1, betas=(0.9, 0.9), weight_decay=0.01, amsgrad=True)",
         { Adam(parameters: $0, lr: 0.1, betas: (0.9, 0.9), weightDecay: 0.01, amsgrad: true) },
         [[0.400000006, -1.10000002, 1.89999998], [0.327199727, -1.04152203, 1.84600782], [0.269118279, -0.994120002, 1.77907383]]),
        // The same without AMSGrad differs from step 2 on: v shrinks after the large first gradient.
        ("Adam(lr=0.1, betas=(0.9, 0.9), weight_decay=0.01)",
         { Adam(parameters: $0, lr: 0.1, betas: (0.9, 0.9), weightDecay: 0.01) },
         [[0.400000006, -1.10000002, 1.89999998], [0.323714256, -1.03865874, 1.84383929], [0.259671718, -0.986343265, 1.7769053]]),
        ("AdamW(lr=0.1, weight_decay=0.1)", { AdamW(parameters: $0, lr: 0.1, weightDecay: 0.1) },
         [[0.395000011, -1.08800006, 1.88], [0.316968948, -1.01785517, 1.81009734], [0.253427833, -0.958743989, 1.72240353]]),
        ("AdamW(lr=0.1, betas=(0.9, 0.9), amsgrad=True)",
         { AdamW(parameters: $0, lr: 0.1, betas: (0.9, 0.9), amsgrad: true) },
         [[0.399500012, -1.09880006, 1.898], [0.326552868, -1.0396632, 1.84531868], [0.268517941, -0.991849422, 1.77712452]]),
        ("Adadelta(lr=1.0, rho=0.9, weight_decay=0.01)", { Adadelta(parameters: $0, lr: 1.0, rho: 0.9, weightDecay: 0.01) },
         [[0.496837735, -1.19683778, 1.99683774], [0.496348321, -1.19727623, 1.99755383], [0.496083856, -1.19700718, 1.99318993]]),
        ("Adamax(lr=0.1, weight_decay=0.01)", { Adamax(parameters: $0, lr: 0.1, weightDecay: 0.01) },
         [[0.400000006, -1.10000002, 1.89999998], [0.347132266, -1.05753314, 1.86079073], [0.311772287, -1.02867782, 1.81963265]]),
        ("NAdam(lr=0.1, weight_decay=0.01)", { NAdam(parameters: $0, lr: 0.1, weightDecay: 0.01) },
         [[0.39435482, -1.09435487, 1.89435482], [0.377325386, -1.09785628, 1.90422547], [0.364021927, -1.08579326, 1.79211593]]),
        ("NAdam(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)",
         { NAdam(parameters: $0, lr: 0.1, weightDecay: 0.1, decoupledWeightDecay: true) },
         [[0.389354825, -1.0823549, 1.87435484], [0.368782401, -1.07565868, 1.86993039], [0.352202684, -1.05346584, 1.73912299]]),
    ] }

    func expectClose(_ a: [Double], _ b: [Double], rtol: Double, _ context: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        for (x, y) in zip(a, b) where !(abs(x - y) <= 1e-7 + rtol * abs(y)) {
            Issue.record("\(context): \(a) differs from \(b)", sourceLocation: sourceLocation)
            return
        }
    }

    @Test func threeStepsMatchPyTorchInFloat32() {
        for (name, make, expected) in Self.references {
            let p = Variable(Tensor(Self.start), requiresGrad: true)
            let optimizer = make([p])
            for (step, g) in Self.gradients.enumerated() {
                p.grad = Tensor(g)
                optimizer.step()
                expectClose(p.value.scalars(as: Double.self), expected[step].map(Double.init), rtol: 2e-7, "\(name) step \(step + 1)")
            }
        }
    }

    @Test func threeStepsMatchPyTorchInFloat64() {
        for (name, make, expected) in Self.references {
            let p = Variable(Tensor(Self.start.map(Double.init)), requiresGrad: true)
            let optimizer = make([p])
            for (step, g) in Self.gradients.enumerated() {
                p.grad = Tensor(g.map(Double.init))
                optimizer.step()
                expectClose(p.value.scalars(as: Double.self), expected[step].map(Double.init), rtol: 2e-6, "\(name) (Double) step \(step + 1)")
            }
        }
    }

    @Test func amsgradKeepsTheRunningMaximum() {
        let p = Variable(Tensor(Self.start), requiresGrad: true)
        let adam = Adam(parameters: [p], lr: 0.1, betas: (0.9, 0.9), amsgrad: true)
        var maximum = [Float](repeating: 0, count: 3)
        for g in Self.gradients {
            p.grad = Tensor(g)
            adam.step()
            let v = adam.state(of: p)["exp_avg_sq"]!.scalars(as: Float.self)
            maximum = zip(maximum, v).map { max($0, $1) }
            #expect(adam.state(of: p)["max_exp_avg_sq"]!.scalars(as: Float.self) == maximum)
        }
        #expect(adam.state(of: p)["step"]!.item(as: Double.self) == 3)
        // v of the first element shrank after the first step, so the maximum is not v.
        #expect(maximum[0] > adam.state(of: p)["exp_avg_sq"]!.scalars(as: Float.self)[0])
    }

    @Test func parameterGroupsUseTheirOwnHyperParameters() {
        // PyTorch: SGD([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.01, "weight_decay": 0.5}], momentum=0.5)
        let a = Variable(Tensor([Float(1), 2]), requiresGrad: true), b = Variable(Tensor([Float(3)]), requiresGrad: true)
        let sgd = SGD(groups: [ParameterGroup([a], lr: 0.1), ParameterGroup([b], lr: 0.01, weightDecay: 0.5)], momentum: 0.5)
        for (ga, gb) in [([Float(1), -1], [Float(2)]), ([0.5, 0.5], [-1])] {
            a.grad = Tensor(ga)
            b.grad = Tensor(gb)
            sgd.step()
        }
        expectClose(a.value.scalars(as: Double.self), [0.799999952, 2.0999999], rtol: 2e-7, "group 0")
        expectClose(b.value.scalars(as: Double.self), [2.94267488], rtol: 2e-7, "group 1")
    }

    @Test func stateDictRoundTripResumesBitExactly() throws {
        for (name, make, _) in Self.references {
            let p = Variable(Tensor(Self.start), requiresGrad: true)
            let q = Variable(Tensor([Float(0.25), -0.5]), requiresGrad: true)
            let first = make([p, q])
            for g in Self.gradients.prefix(2) {
                p.grad = Tensor(g)
                q.grad = Tensor(Array(g.prefix(2)))
                first.step()
            }
            // A fresh optimizer over copies of the parameters, resumed from the saved state.
            let p2 = Variable(p.value, requiresGrad: true), q2 = Variable(q.value, requiresGrad: true)
            let second = make([p2, q2])
            first.lr = first.lr * 0.5
            try second.loadStateDict(first.stateDict())
            #expect(second.lr == first.lr, "\(name)")
            for (x, y) in [(p, q), (p2, q2)] {
                x.grad = Tensor(Self.gradients[2])
                y.grad = Tensor(Array(Self.gradients[2].prefix(2)))
            }
            first.step()
            second.step()
            #expect(p.value == p2.value && q.value == q2.value, "\(name) did not resume identically")
            #expect(first.stateDict() == second.stateDict(), "\(name) state differs after resuming")
        }
    }

    @Test func loadStateDictRejectsBadDictionaries() throws {
        let p = Variable(Tensor(Self.start), requiresGrad: true)
        let adam = Adam(parameters: [p])
        p.grad = Tensor(Self.gradients[0])
        adam.step()
        let good = adam.stateDict()
        #expect(Set(good.keys) == ["param_groups.0.lr", "param_groups.0.weight_decay", "param_groups.0.beta1", "param_groups.0.beta2",
                                   "param_groups.0.eps", "param_groups.0.amsgrad", "param_groups.0.decoupled_weight_decay",
                                   "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"])

        var extra = good
        extra["state.0.momentum_buffer"] = Tensor.zeros([3])
        #expect(throws: StateDictError.unexpectedKeys(["state.0.momentum_buffer"])) { try adam.loadStateDict(extra) }
        var missing = good
        missing["state.0.exp_avg_sq"] = nil
        #expect(throws: StateDictError.missingKeys(["state.0.exp_avg_sq"])) { try adam.loadStateDict(missing) }
        var wrongShape = good
        wrongShape["state.0.exp_avg"] = Tensor.zeros([2])
        #expect(throws: StateDictError.shapeMismatch(key: "state.0.exp_avg", expected: [3], found: [2])) {
            try adam.loadStateDict(wrongShape)
        }
        #expect(adam.stateDict() == good, "a failed load must not change the state")
    }

    @Test func misuseStopsWithClearMessages() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = Variable(Tensor.zeros([2]), requiresGrad: true)
            _ = Adam(groups: [ParameterGroup([p], lr: 0.1), ParameterGroup([p], lr: 0.01)])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Adam: parameter 0 of group 1 (shape [2]) appears more than once in the parameter groups"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = Variable(Tensor.zeros([2]), requiresGrad: true)
            p.grad = Tensor.zeros([3])
            SGD(parameters: [p], lr: 0.1).step()
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("SGD: the gradient ([3], float32) does not match its parameter ([2], float32)"))
        }
    }

    @Test func schedulersMatchPyTorch() {
        // PyTorch: SGD([p], lr=0.5), then opt.param_groups[0]["lr"] before each of 9 scheduler.step() calls.
        let cases: [(String, (any Optimizer) -> LRScheduler, [Double])] = [
            ("StepLR(step_size=3, gamma=0.5)", { StepLR($0, stepSize: 3, gamma: 0.5) },
             [0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125]),
            ("ExponentialLR(gamma=0.9)", { ExponentialLR($0, gamma: 0.9) },
             [0.5, 0.45, 0.405, 0.36450000000000005, 0.32805000000000006, 0.2952450000000001, 0.2657205000000001,
              0.23914845000000007, 0.21523360500000008]),
            ("CosineAnnealingLR(T_max=5, eta_min=0.01)", { CosineAnnealingLR($0, tMax: 5, etaMin: 0.01) },
             [0.5, 0.45320916362186214, 0.33070916362186215, 0.1792908363781379, 0.0567908363781379, 0.01,
              0.05679083637813787, 0.17929083637813795, 0.33070916362186226]),
            ("LinearLR(start_factor=0.25, total_iters=4)", { LinearLR($0, startFactor: 0.25, totalIters: 4) },
             [0.125, 0.21875, 0.3125, 0.40625, 0.5, 0.5, 0.5, 0.5, 0.5]),
        ]
        for (name, make, expected) in cases {
            let optimizer = SGD(parameters: [Variable(Tensor([Float(1)]), requiresGrad: true)], lr: 0.5)
            let scheduler = make(optimizer)
            var rates: [Double] = []
            for _ in 0..<9 {
                rates.append(optimizer.lr)
                scheduler.step()
            }
            expectClose(rates, expected, rtol: 1e-12, name)
        }
    }

    @Test func clipGradNormScalesToTheMaximum() {
        // Hand-derived: ‖(3, 4, 12)‖ = 13; the gradients are scaled by 1 / (13 + 1e-6).
        let a = Variable(Tensor([Float(3), 4]), requiresGrad: true), b = Variable(Tensor([Float(12)]), requiresGrad: true)
        a.grad = a.value
        b.grad = b.value
        let norm = clipGradNorm([a, b], maxNorm: 1)
        #expect(abs(norm - 13) < 1e-12)
        let scale = 1 / (13 + 1e-6)
        expectClose(a.grad!.scalars(as: Double.self) + b.grad!.scalars(as: Double.self), [3 * scale, 4 * scale, 12 * scale],
                    rtol: 1e-6, "clipped")
        // Below the maximum nothing changes; the infinity norm is the largest entry.
        #expect(clipGradNorm([a, b], maxNorm: 2) < 1.0000001)
        #expect(a.grad!.scalars(as: Double.self) == [3 * scale, 4 * scale].map { Double(Float($0)) })
        b.grad = Tensor([Float(-5)])
        #expect(clipGradNorm([a, b], maxNorm: 100, normType: .infinity) == 5)
        clipGradValue([a, b], maxValue: 0.25)
        #expect(a.grad!.scalars(as: Float.self) == [Float(3 * scale), 0.25] && b.grad!.scalars(as: Float.self) == [-0.25])
    }
}

/// signSGD (Bernstein et al., 2018), `w ← w - lr · sign(∂L/∂w)`: a user-written optimizer that
/// only conforms to the public protocol.
final class SignSGD: Optimizer {
    var parameterGroups: [ParameterGroup]
    init(parameters: [Variable], lr: Double) { parameterGroups = [ParameterGroup(parameters, lr: lr)] }
    func step() {
        for group in parameterGroups {
            for p in group.parameters { if let g = p.grad { p.value = p.value - g.sign() * group.lr } }
        }
    }
}

@Suite struct TrainingTests {
    /// XOR, which no linear model fits: inputs, targets.
    static let inputs = Tensor([Float(0), 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])
    static let targets = Tensor([Float(0), 1, 1, 0], shape: [4, 1])

    func train(_ model: Sequential, _ optimizer: some Optimizer, steps: Int) -> Double {
        var loss = 0.0
        for _ in 0..<steps {
            let l = binaryCrossEntropyWithLogits(model(Variable(Self.inputs)), Self.targets)
            optimizer.zeroGrad()
            l.backward()
            optimizer.step()
            loss = l.item(as: Double.self)
        }
        return loss
    }

    func mlp(seed: UInt64) -> Sequential {
        var g = SplitMix64(seed: seed)
        return Sequential(Linear(inputSize: 2, outputSize: 16, generator: &g), Tanh(), Linear(inputSize: 16, outputSize: 1, generator: &g))
    }

    @Test func adamTrainsAnMLPOnXOR() {
        let model = mlp(seed: 5)
        let loss = train(model, Adam(parameters: model.parameters, lr: 0.05), steps: 300)
        #expect(loss < 0.02, "final loss \(loss)")
        let predictions = model(Variable(Self.inputs)).value.scalars(as: Float.self).map { $0 > 0 ? 1 : 0 }
        #expect(predictions == [0, 1, 1, 0])
    }

    @Test func checkpointThroughSafeTensorsResumesBitExactly() throws {
        // Train 20 steps, save model and Adam state (AMSGrad, two groups) in one file, train
        // 10 more; a fresh model and optimizer loaded from the file must take the same 10 steps.
        func setUp(_ model: Sequential) -> Adam {
            Adam(groups: [ParameterGroup(Array(model.parameters.prefix(2)), lr: 0.05),
                          ParameterGroup(Array(model.parameters.dropFirst(2)), lr: 0.02, weightDecay: 0.01)], amsgrad: true)
        }
        let model = mlp(seed: 5)
        let adam = setUp(model)
        _ = train(model, adam, steps: 20)
        var checkpoint = model.stateDict().mapKeys { "model." + $0 }
        for (key, value) in adam.stateDict() { checkpoint["optimizer." + key] = value }
        let file = makeTemporaryFolder().appendingPathComponent("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try SafeTensors.write(checkpoint, to: file)
        let expected = train(model, adam, steps: 10)

        let restored = mlp(seed: 99)
        let restoredAdam = setUp(restored)
        let saved = try SafeTensors.read(from: file).tensors
        try restored.loadStateDict(saved.filter { $0.key.hasPrefix("model.") }.mapKeys { String($0.dropFirst(6)) })
        try restoredAdam.loadStateDict(saved.filter { $0.key.hasPrefix("optimizer.") }.mapKeys { String($0.dropFirst(10)) })
        #expect(train(restored, restoredAdam, steps: 10) == expected)
        #expect(restored.stateDict() == model.stateDict())
    }

    @Test func customSignSGDTrainsAnMLPOnXOR() {
        let model = mlp(seed: 6)
        let optimizer = SignSGD(parameters: model.parameters, lr: 0.02)
        let scheduler = ExponentialLR(optimizer, gamma: 0.995)
        var loss = 0.0
        for _ in 0..<4 {
            loss = train(model, optimizer, steps: 100)
            for _ in 0..<100 { scheduler.step() }
        }
        #expect(loss < 0.1, "final loss \(loss)")
        #expect(optimizer.stateDict().keys.sorted() == ["param_groups.0.lr", "param_groups.0.weight_decay"])
    }
}

/// The benchmark workloads' check values (../shared/bench/WORKLOADS.md), which every peer
/// implementation (PyTorch, NumPy) reproduced.
@Suite struct WorkloadCheckTests {
    @Test func w2TinyNetLossesMatchThePeers() {
        // 2-16-16-1 tanh MLP, init from SplitMix64(4); x ~ U(-1, 1) [8, 2] from SplitMix64(3),
        // y = x0·x1; MSE; SGD lr 0.05. Loss before step 1: 0.120491, before step 200: 0.0094215.
        var data = SplitMix64(seed: 3)
        let x = Tensor.uniform([8, 2], low: -1, high: 1, generator: &data)
        let y = x.slice(axis: 1, 0..<1) * x.slice(axis: 1, 1..<2)
        var g = SplitMix64(seed: 4)
        let model = Sequential(Linear(inputSize: 2, outputSize: 16, generator: &g), Tanh(),
                               Linear(inputSize: 16, outputSize: 16, generator: &g), Tanh(),
                               Linear(inputSize: 16, outputSize: 1, generator: &g))
        let sgd = SGD(parameters: model.parameters, lr: 0.05)
        var losses: [Int: Double] = [:]
        for step in 1...200 {
            let loss = mseLoss(model(Variable(x)), y)
            losses[step] = loss.item(as: Double.self)
            sgd.zeroGrad()
            loss.backward()
            sgd.step()
        }
        #expect(abs(losses[1]! - 0.120491) < 1e-6)
        #expect(abs(losses[200]! - 0.0094215) < 1e-7)
    }

    static let mnistImages = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/datasets/mnist/train-images-idx3-ubyte").standardized

    @Test(.enabled(if: FileManager.default.fileExists(atPath: mnistImages.path)))
    func w1FirstBatchLossMatchesThePeers() throws {
        // Init from SplitMix64(1); epoch 1's Fisher–Yates permutation from SplitMix64(2) starts
        // 35543, 35518, 43113, 41279, 1864; the first batch of 128 has loss 2.31673.
        var shuffle = SplitMix64(seed: 2)
        var permutation = Array(0..<60_000)
        for i in stride(from: 59_999, through: 1, by: -1) {
            permutation.swapAt(i, Int(shuffle.next() % UInt64(i + 1)))
        }
        #expect(Array(permutation.prefix(5)) == [35543, 35518, 43113, 41279, 1864])
        let batch = Array(permutation.prefix(128))

        let images = try Data(contentsOf: Self.mnistImages)
        let labelData = try Data(contentsOf: Self.mnistImages.deletingLastPathComponent()
            .appendingPathComponent("train-labels-idx1-ubyte"))
        var pixels = [Float](repeating: 0, count: 128 * 784)
        for (row, index) in batch.enumerated() {
            for j in 0..<784 { pixels[row * 784 + j] = Float(images[16 + index * 784 + j]) / 255 }
        }
        let labels = batch.map { Int(labelData[8 + $0]) }

        var g = SplitMix64(seed: 1)
        let model = Sequential(Linear(inputSize: 784, outputSize: 256, generator: &g), ReLU(),
                               Linear(inputSize: 256, outputSize: 128, generator: &g), ReLU(),
                               Linear(inputSize: 128, outputSize: 10, generator: &g))
        let loss = crossEntropy(model(Variable(Tensor(pixels, shape: [128, 784]))), classes: labels)
        #expect(abs(loss.item(as: Double.self) - 2.31673) < 5e-6)
    }
}

extension Dictionary where Key == String {
    /// The same values under transformed keys.
    func mapKeys(_ transform: (String) -> String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
