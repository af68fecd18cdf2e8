import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// A model trained and saved by Backprop gives the same logits in PyTorch (to 1e-5) on the
/// digits test set: same state-dict names, same layout of the weights, same arithmetic.
/// Optional: skipped (and recorded as skipped) when no Python with torch is found.
@Suite(.enabled(if: TestPython.withTorch != nil, Comment(rawValue: TestPython.missing("torch, numpy and safetensors"))))
struct PyTorchParityTests {
    /// Trains `64 → 32 → ReLU → 16 → ReLU → 10` for one epoch and writes the model (with the
    /// test accuracy in its metadata, as the mlp-classifier example does) and its test logits.
    static func trainAndSave(in folder: URL) throws -> (model: URL, logits: URL, testLogits: Tensor) {
        var g = SplitMix64(seed: 3)
        let model = Sequential(Linear(inputSize: 64, outputSize: 32, generator: &g), ReLU(),
                               Linear(inputSize: 32, outputSize: 16, generator: &g), ReLU(),
                               Linear(inputSize: 16, outputSize: 10, generator: &g))
        let optimizer = Adam(parameters: model.parameters, lr: 0.02)
        let loader = DataLoader(TrainingFixture.digits.train, batchSize: 64, shuffle: true, seed: 4)
        TrainingFixture.trainEpoch(model, optimizer, loader)   // 23 steps
        let test = TrainingFixture.digits.test
        let logits = withNoGrad { model(Variable(test.inputs)) }.value
        let correct = zip(logits.argmax(axis: 1), test.labels).filter { $0 == $1 }.count
        let accuracy = Double(correct) / Double(test.count)
        let modelURL = folder.appendingPathComponent("model.safetensors")
        let logitsURL = folder.appendingPathComponent("logits.safetensors")
        try SafeTensors.write(model.stateDict(), metadata: ["architecture": "64-32-16-10", "activation": "relu",
                                                             "test_accuracy": String(format: "%.4f", accuracy)], to: modelURL)
        try SafeTensors.write(["logits": logits], to: logitsURL)
        return (modelURL, logitsURL, logits)
    }

    @Test func torchComputesTheSameLogits() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.trainAndSave(in: folder)
        let (status, output) = TestPython.run(try #require(TestPython.withTorch), [
            TestPython.script("pytorch_logits.py"), "--model", files.model.path, "--images", TestData.digits.path,
            "--logits", files.logits.path,
        ])
        #expect(status == 0, "pytorch_logits.py failed:\n\(output)")
        #expect(output.contains("max |torch - backprop|"))
        #expect(output.contains("matches the test accuracy recorded in the model"))
    }

    /// The check has teeth: logits off by 1e-3 in one place fail it.
    @Test func perturbedLogitsFailTheCheck() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.trainAndSave(in: folder)
        var perturbed = files.testLogits
        perturbed[7, 3] += 1e-3
        try SafeTensors.write(["logits": perturbed], to: files.logits)
        let (status, output) = TestPython.run(try #require(TestPython.withTorch), [
            TestPython.script("pytorch_logits.py"), "--model", files.model.path, "--images", TestData.digits.path,
            "--logits", files.logits.path,
        ])
        #expect(status == 1, "expected a mismatch, got status \(status):\n\(output)")
        #expect(output.contains("image 7, class 3"))
    }

    /// The convolutional layers save under PyTorch's state-dict names and layouts: a CNN with
    /// every new layer (Conv2d with groups, MaxPool2d, BatchNorm2d with its running statistics,
    /// GroupNorm, AdaptiveAvgPool2d, Flatten) trained for one epoch on the digits loads into the
    /// `nn.Sequential` its metadata lists (strictly: every name and shape) and gives the same
    /// logits in evaluation mode.
    @Test func torchLoadsAConvolutionalModelAndComputesTheSameLogits() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var g = SplitMix64(seed: 5)
        let model = Sequential(
            Conv2d(inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, generator: &g), ReLU(), MaxPool2d(kernelSize: 2),
            BatchNorm2d(features: 4), Conv2d(inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1, groups: 2, generator: &g),
            ReLU(), GroupNorm(groups: 3, channels: 6), AdaptiveAvgPool2d(outputSize: 2), Flatten(),
            Linear(inputSize: 24, outputSize: 10, generator: &g))
        let modules = "Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), BatchNorm2d(4), Conv2d(4, 6, 3, padding=1, groups=2), "
            + "ReLU(), GroupNorm(3, 6), AdaptiveAvgPool2d(2), Flatten(), Linear(24, 10)"
        let images = { (t: Tensor) in t.reshaped([-1, 1, 8, 8]) }
        let loader = DataLoader(TrainingFixture.digits.train.mapInputs(images), batchSize: 64, shuffle: true, seed: 6)
        TrainingFixture.trainEpoch(model, Adam(parameters: model.parameters, lr: 0.01), loader)
        model.eval()
        let test = TrainingFixture.digits.test
        let logits = withNoGrad { model(Variable(images(test.inputs))) }.value
        let correct = zip(logits.argmax(axis: 1), test.labels).filter { $0 == $1 }.count
        let modelURL = folder.appendingPathComponent("model.safetensors"), logitsURL = folder.appendingPathComponent("logits.safetensors")
        try SafeTensors.write(model.stateDict(), metadata: ["torch_modules": modules,
                                                             "test_accuracy": String(format: "%.4f", Double(correct) / Double(test.count))],
                              to: modelURL)
        try SafeTensors.write(["logits": logits], to: logitsURL)
        #expect(model.stateDict()["3.running_var"] != Tensor.ones([4]), "the running statistics moved")
        let (status, output) = TestPython.run(TestPython.withTorch!, [
            TestPython.script("pytorch_logits.py"), "--model", modelURL.path, "--images", TestData.digits.path, "--logits", logitsURL.path,
        ])
        #expect(status == 0, "pytorch_logits.py failed:\n\(output)")
        #expect(output.contains("matches the test accuracy recorded in the model"))
    }
}
