import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

@Suite struct LayerTests {
    func expectClose(_ a: [Double], _ b: [Double], rtol: Double = 1e-9, atol: Double = 1e-9, _ context: String = "",
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, "\(context): counts \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
        for (x, y) in zip(a, b) where !(abs(x - y) <= atol + rtol * abs(y)) {
            Issue.record("\(context): \(a) differs from \(b)", sourceLocation: sourceLocation)
            return
        }
    }

    // MARK: Linear

    @Test func linearInitMatchesTheWorkloadCheck() {
        // WORKLOADS.md (W1): Linear(784, 256) from SplitMix64(seed 1), weight first, then bias.
        var g = SplitMix64(seed: 1)
        let layer = Linear(inputSize: 784, outputSize: 256, generator: &g)
        #expect(layer.weight.shape == [256, 784] && layer.bias!.shape == [256])
        expectClose(layer.weight.value.slice(axis: 0, 0..<1).scalars(as: Double.self).prefix(4).map { $0 },
                    [0.00475439, 0.01755584, 0.03364305, -0.00397434], rtol: 0, atol: 5e-9, "W1[0, 0:4]")
        expectClose(layer.bias!.value.scalars(as: Double.self).prefix(3).map { $0 },
                    [0.00593563, -0.02302019, 0.02348347], rtol: 0, atol: 5e-9, "b1[0:3]")
        let bound = 1 / 784.0.squareRoot()
        #expect(layer.weight.value.abs().max().item(as: Double.self) <= bound)
    }

    @Test func linearComputesXWTransposedPlusB() {
        var g = SplitMix64(seed: 0)
        let layer = Linear(inputSize: 3, outputSize: 2, dtype: .float64, generator: &g)
        layer.weight.value = Tensor([1.0, 2, 3, -1, 0, 0.5] as [Double], shape: [2, 3])
        layer.bias!.value = Tensor([0.5, -2.0] as [Double])
        let y = layer(Variable(Tensor([1.0, 1, 1, 2, 0, -2] as [Double], shape: [2, 3])))
        // Row 1: (1+2+3)+0.5, (-1+0+0.5)-2; row 2: (2-6)+0.5, (-2-1)-2.
        #expect(y.value.scalars(as: Double.self) == [6.5, -2.5, -3.5, -5])
        #expect(layer(Variable(Tensor([1.0, 1, 1] as [Double]))).shape == [2])
        let batched = layer(Variable(Tensor.ones([4, 5, 3], dtype: .float64)))
        #expect(batched.shape == [4, 5, 2])
    }

    @Test func linearGradientsMatchFiniteDifferences() {
        var g = SplitMix64(seed: 2)
        let layer = Linear(inputSize: 4, outputSize: 3, dtype: .float64, generator: &g)
        let x = Tensor.uniform([5, 4], low: -1, high: 1, dtype: .float64, generator: &g)
        let result = GradientCheck.run(inputs: [x, layer.weight.value, layer.bias!.value]) { v in
            layer.weight = v[1]
            layer.bias = v[2]
            return layer(v[0]).tanh()
        }
        #expect(result.passed, "\(result)")
    }

    // MARK: Sequential and the Module extension

    func mnistMLP(seed: UInt64) -> Sequential {
        var g = SplitMix64(seed: seed)
        return Sequential(Linear(inputSize: 784, outputSize: 256, generator: &g), ReLU(),
                          Linear(inputSize: 256, outputSize: 128, generator: &g), ReLU(),
                          Linear(inputSize: 128, outputSize: 10, generator: &g))
    }

    @Test func sequentialNamesParametersLikePyTorch() {
        let model = mnistMLP(seed: 1)
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(model.parameterCount == 235_146)
        var g = SplitMix64(seed: 0)
        let nested = Sequential(Linear(inputSize: 2, outputSize: 3, generator: &g),
                                Sequential(BatchNorm1d(features: 3), Dropout(p: 0.1)))
        #expect(nested.namedParameters.map(\.name) == ["0.weight", "0.bias", "1.0.weight", "1.0.bias"])
        #expect(nested.stateDict().keys.sorted() == ["0.bias", "0.weight", "1.0.bias", "1.0.num_batches_tracked",
                                                     "1.0.running_mean", "1.0.running_var", "1.0.weight"])
        nested.eval()
        #expect(!(nested.layers[1] as! Sequential).layers[1].isTraining)
        nested.train()
        #expect((nested.layers[1] as! Sequential).layers[0].isTraining)
    }

    /// The example of the `Module` documentation: a hand-written module with named children.
    final class TwoLayer: Module {
        let hidden: Linear, output: Linear
        init(generator: inout SplitMix64) {
            hidden = Linear(inputSize: 2, outputSize: 8, generator: &generator)
            output = Linear(inputSize: 8, outputSize: 1, generator: &generator)
        }
        func callAsFunction(_ x: Variable) -> Variable { output(hidden(x).tanh()) }
    }

    @Test func customModulesGetTheModuleExtension() throws {
        var g = SplitMix64(seed: 4)
        let model = TwoLayer(generator: &g)
        #expect(model.namedParameters.map(\.name) == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
        #expect(model.parameterCount == 2 * 8 + 8 + 8 + 1)
        let copy = TwoLayer(generator: &g)
        try copy.loadStateDict(model.stateDict())
        let x = Variable(Tensor([Float(0.5), -1], shape: [1, 2]))
        #expect(copy(x).value == model(x).value)
        #expect(summary(of: model, inputShape: [3, 2]).contains("[3, 1]"))
    }

    @Test func zeroGradClearsEveryParameter() {
        let model = mnistMLP(seed: 1)
        crossEntropy(model(Variable(Tensor.ones([2, 784]))), classes: [1, 2]).backward()
        #expect(model.parameters.allSatisfy { $0.grad != nil })
        model.zeroGrad()
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    @Test func stateDictRoundTripAndStrictErrors() throws {
        let source = mnistMLP(seed: 1), target = mnistMLP(seed: 9)
        var g = SplitMix64(seed: 3)
        let x = Variable(Tensor.uniform([3, 784], low: 0, high: 1, generator: &g))
        #expect(source(x).value != target(x).value)
        try target.loadStateDict(source.stateDict())
        #expect(source(x).value == target(x).value)

        var missing = source.stateDict()
        missing["2.bias"] = nil
        #expect(throws: StateDictError.missingKeys(["2.bias"])) { try target.loadStateDict(missing) }
        var unexpected = source.stateDict()
        unexpected["6.weight"] = Tensor.zeros([1])
        #expect(throws: StateDictError.unexpectedKeys(["6.weight"])) { try target.loadStateDict(unexpected) }
        var wrong = source.stateDict()
        wrong["0.weight"] = Tensor.zeros([256, 783])
        wrong["4.bias"] = Tensor.ones([10])
        #expect(throws: StateDictError.shapeMismatch(key: "0.weight", expected: [256, 784], found: [256, 783])) {
            try target.loadStateDict(wrong)
        }
        #expect(target.stateDict()["4.bias"] == source.stateDict()["4.bias"], "a failed load must change nothing")
        #expect("\(StateDictError.missingKeys(["2.bias"]))" == "loadStateDict: missing keys [\"2.bias\"]")
    }

    @Test func summaryListsLayersShapesAndCounts() {
        let text = summary(of: mnistMLP(seed: 1), inputShape: [1, 784])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[1].hasPrefix("0: Linear(784 → 256)") && lines[1].contains("[1, 256]") && lines[1].hasSuffix("200,960"))
        #expect(lines[2].hasPrefix("1: ReLU") && lines[2].hasSuffix(" 0"))
        #expect(lines[5].contains("[1, 10]") && lines[5].hasSuffix("1,290"))
        #expect(lines[6] == "Total parameters: 235,146")
    }

    // MARK: Activations, Flatten

    @Test func activationLayersApplyTheirFunctions() {
        let x = Variable(Tensor([-2.0, -0.5, 0, 0.5, 3] as [Double]))
        let cases: [(any Module, Variable)] = [
            (ReLU(), x.relu()), (Tanh(), x.tanh()), (Sigmoid(), x.sigmoid()),
            (LeakyReLU(negativeSlope: 0.2), x.leakyRelu(negativeSlope: 0.2)), (GELU(), x.gelu()),
            (GELU(approximate: true), x.gelu(approximate: true)), (Softplus(beta: 2), x.softplus(beta: 2)),
            (ELU(alpha: 0.5), x.elu(alpha: 0.5)),
        ]
        for (layer, expected) in cases { #expect(layer(x).value == expected.value, "\(layer)") }
        #expect(LeakyReLU()(x).value.scalars(as: Double.self) == [-0.02, -0.005, 0, 0.5, 3])
        #expect(Flatten()(Variable(Tensor.zeros([2, 3, 4]))).shape == [2, 12])
        #expect(Flatten(startAxis: 0, endAxis: 1)(Variable(Tensor.zeros([2, 3, 4]))).shape == [6, 4])
    }

    // MARK: Dropout

    @Test func dropoutScalesKeptUnitsAndIsIdentityInEval() {
        let dropout = Dropout(p: 0.25, seed: 42)
        let x = Variable(Tensor.ones([100, 100]), requiresGrad: true)
        let y = dropout(x)
        let values = y.value.scalars(as: Float.self)
        #expect(values.allSatisfy { $0 == 0 || $0 == Float(1 / 0.75) })
        let kept = Double(values.filter { $0 != 0 }.count) / 10_000
        #expect(abs(kept - 0.75) < 0.02, "kept fraction \(kept)")
        y.sum().backward()
        #expect(x.grad! == y.value, "the gradient is the scaled mask")
        // The same seed gives the same masks; the next call draws a new one.
        let again = Dropout(p: 0.25, seed: 42)(x).value
        #expect(again == y.value)
        #expect(dropout(x).value != y.value)
        dropout.eval()
        #expect(dropout(x) === x)
        #expect(Dropout(p: 1)(x).value == Tensor.zeros([100, 100]))
    }

    // MARK: BatchNorm1d

    static let batch1: [Double] = [1.0, 2.0, -1.0, 0.5, -1.0, 3.0, 2.0, 0.0, 0.5, -1.0, 4.0, 1.5]
    static let batch2: [Double] = [0.2, 1.0, 2.0, -0.3, 0.5, -2.0, 1.1, 1.5, 0.0]

    @Test func batchNormMatchesPyTorchInTrainingAndEval() {
        // PyTorch (float64): BatchNorm1d(3), weight [1.5, -0.5, 2], bias [0.1, 0.2, -0.3];
        // y1 = bn(x1) in training, then bn(x2), then bn.eval() and bn(x1).
        let bn = BatchNorm1d(features: 3, dtype: .float64)
        bn.weight!.value = Tensor([1.5, -0.5, 2.0] as [Double])
        bn.bias!.value = Tensor([0.1, 0.2, -0.3] as [Double])
        let y1 = bn(Variable(Tensor(Self.batch1, shape: [4, 3])))
        expectClose(y1.value.scalars(as: Double.self),
                    [0.61961302526, 0.00471689831923, -3.04397090589, -0.0732043417533, 0.785849305042, 2.44397090589,
                     2.00524775929, 0.525471836135, -0.985992726471, -2.15165644279, -0.516038039496, 0.385992726471], rtol: 1e-10, "y1")
        _ = bn(Variable(Tensor(Self.batch2, shape: [3, 3])))
        expectClose(bn.runningMean.value.scalars(as: Double.self), [0.0895833333333, 0.2125, 0.09], rtol: 1e-11, "running_mean")
        expectClose(bn.runningVar.value.scalars(as: Double.self), [1.00095833333, 1.2775, 1.465], rtol: 1e-11, "running_var")
        #expect(bn.numBatchesTracked == 2)
        bn.eval()
        expectClose(bn(Variable(Tensor(Self.batch1, shape: [4, 3]))).value.scalars(as: Double.self),
                    [1.4649642897, -0.590740350059, -2.10109325174, 0.715327151191, 0.736376321368, 4.5084232684,
                     2.96423856671, 0.294004097559, 0.377475443314, -1.53358426433, -1.47548479768, 2.02985457335], rtol: 1e-10, "eval")
        #expect(bn.numBatchesTracked == 2, "evaluation does not update the statistics")
        #expect(bn.stateDict().keys.sorted() == ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"])
    }

    @Test func batchNormGradientsMatchFiniteDifferencesInTraining() {
        let bn = BatchNorm1d(features: 3, dtype: .float64)
        var g = SplitMix64(seed: 11)
        let x = Tensor.uniform([4, 3], low: -2, high: 2, dtype: .float64, generator: &g)
        let gamma = Tensor([1.5, -0.5, 2.0] as [Double]), beta = Tensor([0.1, 0.2, -0.3] as [Double])
        let result = GradientCheck.run(inputs: [x, gamma, beta]) { v in
            bn.weight = v[1]
            bn.bias = v[2]
            return bn(v[0])
        }
        #expect(result.passed, "\(result)")
        let sequence = GradientCheck.run(inputs: [Tensor.uniform([2, 3, 4], low: -1, high: 1, dtype: .float64, generator: &g)]) { v in
            BatchNorm1d(features: 3, dtype: .float64)(v[0]).tanh()
        }
        #expect(sequence.passed, "[N, C, L]: \(sequence)")
    }

    // MARK: Initializers

    @Test func initializersFollowTheirLaws() {
        #expect(Initializers.fans(of: [8, 4, 3, 3]) == (fanIn: 36, fanOut: 72))
        #expect(abs(Initializers.Nonlinearity.leakyRelu(negativeSlope: 0.2).gain - (2 / 1.04).squareRoot()) < 1e-15)
        // The first draw of SplitMix64(0) is 0xe220a8397b1dcdaf (WORKLOADS.md): u = 0xe220a8 / 2^24.
        let u = Double(0xE220A8) / 16_777_216
        var g = SplitMix64(seed: 0)
        let xavier = Initializers.xavierUniform([30, 20], gain: 2, dtype: .float64, generator: &g)
        let a = 2 * (6.0 / 50).squareRoot()
        #expect(abs(xavier[0, 0] - (-a + 2 * a * u)) < 1e-15)
        #expect(xavier.abs().max().item(as: Double.self) <= a)
        g = SplitMix64(seed: 0)
        let kaiming = Initializers.kaimingUniform([30, 20], dtype: .float64, generator: &g)
        let b = 2.0.squareRoot() * (3.0 / 20).squareRoot()
        #expect(abs(kaiming[0, 0] - (-b + 2 * b * u)) < 1e-15)

        func std(_ t: Tensor) -> Double {
            let v = t.scalars(as: Double.self)
            let mean = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
        }
        let he = Initializers.kaimingNormal([200, 100], dtype: .float64, generator: &g)
        #expect(abs(std(he) / (2.0 / 100).squareRoot() - 1) < 0.03)
        let glorot = Initializers.xavierNormal([200, 100], dtype: .float64, generator: &g)
        #expect(abs(std(glorot) / (2.0 / 300).squareRoot() - 1) < 0.03)
        #expect(Initializers.zeros([2, 2]) == Tensor.zeros([2, 2]))
    }

    @Test func linearRejectsAWrongInputSize() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var g = SplitMix64(seed: 0)
            _ = Linear(inputSize: 3, outputSize: 2, generator: &g)(Variable(Tensor.zeros([4, 5])))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Linear: input of shape [4, 5] does not end in inputSize 3"))
        }
    }
}
