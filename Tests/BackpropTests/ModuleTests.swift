import Foundation
import Testing
import Backprop
@testable import BackpropNN

/// A user's model written as a user would: layers as stored properties, nothing listed by hand.
final class Classifier: Module {
    let encoder: Sequential
    let blocks: [Linear]
    let norm = BatchNorm1d(features: 8)
    let dropout: Dropout
    let head: Linear
    let unused: Linear? = nil

    init(generator g: inout SplitMix64) {
        encoder = Sequential(Linear(inputSize: 4, outputSize: 8, generator: &g), Tanh())
        blocks = [Linear(inputSize: 8, outputSize: 8, generator: &g), Linear(inputSize: 8, outputSize: 8, generator: &g)]
        dropout = Dropout(p: 0.5, seed: g.next())
        head = Linear(inputSize: 8, outputSize: 3, generator: &g)
    }

    func callAsFunction(_ x: Variable) -> Variable {
        var h = encoder(x)
        for block in blocks { h = block(h).tanh() }
        return head(dropout(norm(h)))
    }
}

@Suite struct ModuleTests {
    static let parameterNames = ["encoder.0.weight", "encoder.0.bias", "blocks.0.weight", "blocks.0.bias",
                                 "blocks.1.weight", "blocks.1.bias", "norm.weight", "norm.bias",
                                 "head.weight", "head.bias"]

    func batch(_ seed: UInt64) -> (Variable, [Int]) {
        var g = SplitMix64(seed: seed)
        return (Variable(Tensor.uniform([16, 4], low: -1, high: 1, generator: &g)), (0..<16).map { $0 % 3 })
    }

    /// A few SGD steps on one batch.
    func train(_ model: Classifier, steps: Int) {
        let (x, labels) = batch(1)
        let optimizer = SGD(parameters: model.parameters, lr: 0.1)
        model.train()
        for _ in 0..<steps {
            let loss = crossEntropy(model(x), classes: labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
    }

    @Test func namesComeFromPropertyNames() {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g)
        #expect(model.namedParameters.map(\.name) == Self.parameterNames)
        #expect(model.namedBuffers.map(\.name) == ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked"])
        #expect(model.namedModules.map(\.name) == ["", "encoder", "encoder.0", "encoder.1", "blocks.0", "blocks.1",
                                                   "norm", "dropout", "head"])
        #expect(model.namedChildren.map(\.name) == ["encoder", "blocks.0", "blocks.1", "norm", "dropout", "head"])
        #expect(model.parameters.count == 10)
        #expect(model.parameterCount == 40 + 2 * 72 + 16 + 27)
        #expect(Set(model.stateDict().keys) == Set(Self.parameterNames + model.namedBuffers.map(\.name)))
    }

    @Test func evalReachesEveryChildAndTwoEvalPassesAgree() {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g)
        train(model, steps: 2)   // running statistics that differ from the initial ones
        let (x, _) = batch(2)
        #expect(model(x).value != model(x).value, "in training, the dropout masks differ")
        model.eval()
        #expect(model.modules.allSatisfy { !$0.isTraining })
        #expect(!model.dropout.isTraining && !model.norm.isTraining && !model.encoder.layers[1].isTraining)
        #expect(model(x).value == model(x).value)
        model.train()
        #expect(model.modules.allSatisfy { $0.isTraining })
    }

    @Test func trainingMovesEveryParameter() {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g)
        let before = model.namedParameters.map { ($0.name, $0.parameter.value) }
        train(model, steps: 3)
        for ((name, old), new) in zip(before, model.namedParameters.map(\.parameter.value)) {
            #expect(old != new, "\(name) did not move")
        }
        #expect(model.norm.numBatchesTracked == 3)
    }

    @Test func saveAndLoadRoundTripThroughAFile() throws {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g), copy = Classifier(generator: &g)
        train(model, steps: 2)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("modules-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(model.stateDict(), to: url)
        try copy.loadStateDict(SafeTensors.read(from: url).tensors)
        model.eval()
        copy.eval()
        let (x, _) = batch(3)
        #expect(copy(x).value == model(x).value)
        #expect(copy.norm.runningMean.value == model.norm.runningMean.value)
    }

    @Test func aTypoShowsTheMissingAndTheUnexpectedKey() {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g)
        var state = model.stateDict()
        state["head.bais"] = state.removeValue(forKey: "head.bias")
        #expect(throws: StateDictError.mismatchedKeys(missing: ["head.bias"], unexpected: ["head.bais"])) {
            try model.loadStateDict(state)
        }
        let message = "\(StateDictError.mismatchedKeys(missing: ["head.bias"], unexpected: ["head.bais"]))"
        #expect(message.contains("missing keys [\"head.bias\"]") && message.contains("unexpected keys [\"head.bais\"]"))
    }

    @Test func summaryAndPrinting() {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g)
        model.head.bias!.requiresGrad = false
        let text = summary(of: model, inputShape: [5, 4])
        for row in ["encoder.0: Linear(4 → 8)", "encoder.1: Tanh()", "blocks.1: Linear(8 → 8)", "norm: BatchNorm1d(8)",
                    "dropout: Dropout(p: 0.5)", "(output of Classifier)", "[5, 3]",
                    "Total parameters: 227", "Trainable parameters: 224"] {
            #expect(text.contains(row), "\(row) not in\n\(text)")
        }
        #expect(model.modules.allSatisfy { $0.isTraining }, "summary restores the training flags")
        #expect("\(model)" == """
            Classifier(
              (encoder): Sequential(
                (0): Linear(4 → 8)
                (1): Tanh()
              )
              (blocks.0): Linear(8 → 8)
              (blocks.1): Linear(8 → 8)
              (norm): BatchNorm1d(8)
              (dropout): Dropout(p: 0.5)
              (head): Linear(8 → 3)
            )
            """)
    }

    @Test func frozenParametersAreSavedButNotTrained() throws {
        var g = SplitMix64(seed: 0)
        let model = Classifier(generator: &g)
        let frozen = (model.encoder.layers[0] as! Linear).weight
        frozen.requiresGrad = false
        #expect(!model.parameters.contains { $0 === frozen })
        #expect(model.namedParameters.contains { $0.parameter === frozen })
        #expect(model.stateDict()["encoder.0.weight"] == frozen.value)
        let before = frozen.value
        train(model, steps: 2)
        #expect(frozen.value == before)
        let copy = Classifier(generator: &g)
        try copy.loadStateDict(model.stateDict())
        #expect((copy.encoder.layers[0] as! Linear).weight.value == before)
    }

    /// Optionals, dictionaries, shared layers, superclass properties and buffers of one's own.
    class Base: Module {
        let shared: Linear
        @Buffer var calls = Variable(Tensor(0))
        init(_ shared: Linear) { self.shared = shared }
        func callAsFunction(_ x: Variable) -> Variable {
            calls.value = calls.value + 1
            return shared(x)
        }
    }
    final class Derived: Base {
        let again: Linear
        let maybe: Linear?
        let heads: [String: Linear]
        let scale = Variable(Tensor([2]), requiresGrad: true)
        init(generator g: inout SplitMix64) {
            let layer = Linear(inputSize: 2, outputSize: 2, generator: &g)
            again = layer
            maybe = Linear(inputSize: 2, outputSize: 1, bias: false, generator: &g)
            heads = ["b": Linear(inputSize: 2, outputSize: 1, generator: &g), "a": Linear(inputSize: 2, outputSize: 1, generator: &g)]
            super.init(layer)
        }
    }

    @Test func optionalsDictionariesSharedLayersAndSubclasses() {
        var g = SplitMix64(seed: 5)
        let model = Derived(generator: &g)
        #expect(model.namedParameters.map(\.name) == ["scale", "shared.weight", "shared.bias", "again.weight", "again.bias",
                                                      "maybe.weight", "heads.a.weight", "heads.a.bias",
                                                      "heads.b.weight", "heads.b.bias"])
        #expect(model.parameters.count == 8, "the shared layer's parameters are listed once")
        #expect(model.namedModules.map(\.name) == ["", "shared", "maybe", "heads.a", "heads.b"])
        #expect(model.namedBuffers.map(\.name) == ["calls"])
        _ = model(Variable(Tensor([[1, 2]])))
        #expect(model.stateDict()["calls"] == Tensor(1))
        var visited: [String] = []
        model.apply { visited.append(String(describing: type(of: $0))) }
        #expect(visited == ["Linear", "Linear", "Linear", "Linear", "Derived"])
    }

    /// A module written the old way, listing its parameters and storing its flag, still works.
    final class HandListed: Module {
        let inner: Linear
        var isTraining = true
        init(generator g: inout SplitMix64) { inner = Linear(inputSize: 2, outputSize: 2, generator: &g) }
        func callAsFunction(_ x: Variable) -> Variable { inner(x) }
        var namedParameters: [(name: String, parameter: Variable)] { prefixed("layer", inner.namedParameters) }
    }

    @Test func handListedModulesKeepTheirNames() {
        var g = SplitMix64(seed: 5)
        let model = Sequential(HandListed(generator: &g), Dropout(p: 0.2, seed: 1))
        #expect(model.namedParameters.map(\.name) == ["0.layer.weight", "0.layer.bias"])
        model.eval()
        #expect(!model.layers[0].isTraining && !model.layers[1].isTraining)
    }

    @Test func layersWithoutAGeneratorDrawDifferentReproducibleStreams() {
        let (a, b) = DefaultGenerator.withSeed(3) { (Dropout(p: 0.5), Dropout(p: 0.5)) }
        let ones = Tensor.ones([64])
        #expect(a.mask(like: ones) != b.mask(like: ones), "two dropout layers must not drop the same positions")
        let (c, _) = DefaultGenerator.withSeed(3) { (Dropout(p: 0.5), Dropout(p: 0.5)) }
        let a2 = DefaultGenerator.withSeed(3) { Dropout(p: 0.5) }
        var expected = SplitMix64(seed: 3)
        #expect(a2.generator.state == expected.next())
        #expect(c.mask(like: ones) == a2.mask(like: ones))
        let (l1, l2) = DefaultGenerator.withSeed(9) { (Linear(inputSize: 3, outputSize: 2), Linear(inputSize: 3, outputSize: 2)) }
        let l3 = DefaultGenerator.withSeed(9) { Linear(inputSize: 3, outputSize: 2) }
        #expect(l1.weight.value != l2.weight.value && l1.weight.value == l3.weight.value)
        #expect(DefaultGenerator.withSeed(4) { Tensor.randn([5]) } == DefaultGenerator.withSeed(4) { Tensor.randn([5]) })
    }
}
