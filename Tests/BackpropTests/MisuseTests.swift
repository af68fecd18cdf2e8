import Foundation
import Testing
import Backprop

/// Common API mistakes stop with a message that says what was wrong, with the shapes and
/// values involved. The fatal ones run in child processes (exit tests), so they check the real
/// message in debug and release builds.
@Suite struct MisuseTests {
    /// The standard error of a child process that must fail.
    static func message(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func optimizerOverNoParameters() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam(parameters: [], lr: 0.01)
        }
        #expect(Self.message(result).contains("Adam: got an empty parameter list"))
    }

    @Test func optimizerOverAModelWithoutParameters() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = Sequential(ReLU(), Tanh())
            _ = SGD(parameters: model.parameters, lr: 0.1, momentum: 0.9)
        }
        #expect(Self.message(result).contains("SGD: got an empty parameter list"))
    }

    @Test func linearWithWrongInputWidthNamesSizesAndShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var g = SplitMix64(seed: 1)
            let layer = Linear(inputSize: 784, outputSize: 256, generator: &g)
            _ = layer(Variable(Tensor.zeros([32, 28, 28])))
        }
        let message = Self.message(result)
        #expect(message.contains("Linear: input of shape [32, 28, 28] does not end in inputSize 784"))
        #expect(message.contains("784 → 256"))
    }

    @Test func linearWithWrongElementType() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var g = SplitMix64(seed: 1)
            let layer = Linear(inputSize: 3, outputSize: 2, generator: &g)
            _ = layer(Variable(Tensor.zeros([4, 3], dtype: .float64)))
        }
        #expect(Self.message(result).contains("Linear: input of element type float64 but the layer's parameters are float32"))
    }

    @Test func lossWithMismatchedShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = mseLoss(Variable(Tensor.zeros([8, 1])), Variable(Tensor.zeros([8])))
        }
        #expect(Self.message(result).contains("mseLoss: prediction shape [8, 1] and target shape [8] differ"))
    }

    @Test func l1LossWithMismatchedShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = l1Loss(Variable(Tensor.zeros([4, 3])), Variable(Tensor.zeros([3, 4])))
        }
        #expect(Self.message(result).contains("l1Loss: prediction shape [4, 3] and target shape [3, 4] differ"))
    }

    @Test func crossEntropyWithClassIndexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Variable(Tensor.zeros([3, 10])), classes: [1, 10, 2])
        }
        #expect(Self.message(result).contains("crossEntropy: class index 10 is out of range for 10 classes (input shape [3, 10])"))
    }

    @Test func crossEntropyWithNegativeClassIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Variable(Tensor.zeros([2, 4])), classes: [-1, 0])
        }
        #expect(Self.message(result).contains("crossEntropy: class index -1 is out of range for 4 classes"))
    }

    @Test func dataLoaderWithBatchSizeZero() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let data = TensorDataset(inputs: Tensor.zeros([4, 2]), labels: [0, 1, 0, 1])
            _ = DataLoader(data, batchSize: 0, shuffle: true)
        }
        #expect(Self.message(result).contains("DataLoader: batchSize must be at least 1, got 0"))
    }

    /// Not fatal: a checkpoint that does not fit is an error the caller can handle.
    @Test func loadStateDictWithMissingKeyThrowsANamedError() throws {
        var g = SplitMix64(seed: 1)
        let model = Sequential(Linear(inputSize: 4, outputSize: 3, generator: &g), ReLU(),
                               Linear(inputSize: 3, outputSize: 2, generator: &g))
        var state = model.stateDict()
        state["2.bias"] = nil
        let error = #expect(throws: StateDictError.self) { try model.loadStateDict(state) }
        #expect(error == .missingKeys(["2.bias"]))
        #expect(error?.description == "loadStateDict: missing keys [\"2.bias\"]")
    }

    @Test func loadStateDictWithWrongShapeNamesKeyAndShapes() throws {
        var g = SplitMix64(seed: 1)
        let model = Sequential(Linear(inputSize: 4, outputSize: 3, generator: &g))
        var state = model.stateDict()
        state["0.weight"] = Tensor.zeros([4, 3])
        let error = #expect(throws: StateDictError.self) { try model.loadStateDict(state) }
        #expect(error?.description == "loadStateDict: '0.weight' has shape [4, 3] but the model expects [3, 4]")
    }
}
