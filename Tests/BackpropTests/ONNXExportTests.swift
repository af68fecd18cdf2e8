import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// A Python that can import all of `modules`: `$BACKPROP_PYTHON` when set (and only it), else
/// `python3` on the PATH; `nil` when none can.
func pythonWith(_ modules: [String]) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    var candidates = path.split(separator: ":").map { "\($0)/python3" }
    if let custom = ProcessInfo.processInfo.environment["BACKPROP_PYTHON"], !custom.isEmpty { candidates = [custom] }
    let probe = "import " + modules.joined(separator: ", ")
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && TestPython.run($0, ["-c", probe]).status == 0 }
}

/// `Tests/Interop/<name>`, found from this file's path.
func interopScript(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/" + name).path
}

/// Exported models checked by the real ONNX tools (Tests/Interop/onnx_check.py: the full
/// checker, and onnxruntime's outputs against ours within 1e-5 of the output scale).
@Suite struct ONNXExportTests {
    static let python = pythonWith(["onnx", "onnxruntime", "safetensors", "numpy"])

    /// Exports `model`, writes `inputs` and the model's evaluation-mode outputs (times
    /// `1 + perturbation`), runs the script and returns its status and output.
    func runONNXCheck(_ model: any Module, inputs: Tensor, perturbation: Double = 0) throws -> (status: Int32, output: String) {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        model.eval()
        let outputs = withNoGrad { model(Variable(inputs)) }.value * (1 + perturbation)
        let onnx = folder.appendingPathComponent("model.onnx"), cases = folder.appendingPathComponent("cases.safetensors")
        try exportONNX(model, inputShape: Array(inputs.shape.dropFirst()), to: onnx)
        try SafeTensors.write(["input": inputs, "output": outputs], to: cases)
        return TestPython.run(Self.python!, [interopScript("onnx_check.py"), onnx.path, cases.path])
    }

    /// ``runONNXCheck(_:inputs:perturbation:)`` expected to pass; returns the script's report.
    func checkWithONNXRuntime(_ model: any Module, inputs: Tensor) throws -> String {
        let result = try runONNXCheck(model, inputs: inputs)
        #expect(result.status == 0, "onnx_check.py failed:\n\(result.output)")
        return result.output
    }

    /// The check has teeth: outputs off by 1e-4 of their scale fail it.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func perturbedOutputsFailTheCheck() throws {
        var g = SplitMix64(seed: 8)
        let model = Sequential(Linear(inputSize: 6, outputSize: 4, generator: &g), Tanh())
        let result = try runONNXCheck(model, inputs: Tensor.normal([16, 6], generator: &g), perturbation: 1e-4)
        #expect(result.status != 0)
        #expect(result.output.contains("onnxruntime differs from Backprop"))
    }

    /// The mlp-classifier's architecture (64 → 128 → ReLU → 10) after an epoch on the digits.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func mlpClassifierModelRunsInONNXRuntime() throws {
        var g = SplitMix64(seed: 1)
        let model = Sequential(Linear(inputSize: 64, outputSize: 128, generator: &g), ReLU(),
                               Linear(inputSize: 128, outputSize: 10, generator: &g))
        _ = TrainingFixture.trainEpoch(model, Adam(parameters: model.parameters, lr: 2e-3),
                                   DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 32, shuffle: true, seed: 2))
        let output = try checkWithONNXRuntime(model, inputs: TrainingFixture.digits.test.inputs)
        #expect(output.contains("operators ['Gemm', 'Relu']"))
    }

    /// Every exportable layer, with trained BatchNorm statistics, inputs of rank 4 and 3 (Reshape,
    /// MatMul, BatchNormalization over a length axis) and a nested Sequential.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func everyExportableLayerRunsInONNXRuntime() throws {
        var g = SplitMix64(seed: 5)
        let model = Sequential(
            Flatten(startAxis: 1, endAxis: 2),                              // [batch, 2, 2, 3] → [batch, 4, 3]: Reshape
            Linear(inputSize: 3, outputSize: 5, generator: &g),           // [batch, 4, 3] → [batch, 4, 5]: MatMul + Add
            BatchNorm1d(features: 4), ELU(alpha: 0.7), Flatten(),
            Linear(inputSize: 20, outputSize: 16, generator: &g), BatchNorm1d(features: 16, affine: false),
            Sequential(GELU(), Dropout(p: 0.3), Linear(inputSize: 16, outputSize: 16, bias: false, generator: &g), Tanh()),
            LeakyReLU(negativeSlope: 0.1), Softplus(beta: 2, threshold: 1), GELU(approximate: true),
            Linear(inputSize: 16, outputSize: 16, generator: &g), Sigmoid(), Softplus(), ReLU(),
            Linear(inputSize: 16, outputSize: 10, generator: &g))
        let inputs = Tensor.normal([64, 2, 2, 3], std: 2, generator: &g)
        // A few training steps move the running statistics and the affine parameters away from 0 and 1.
        let optimizer = SGD(parameters: model.parameters, lr: 0.1)
        for _ in 0..<3 {
            optimizer.zeroGrad()
            (model(Variable(inputs)) * model(Variable(inputs))).mean().backward()
            optimizer.step()
        }
        let output = try checkWithONNXRuntime(model, inputs: inputs)
        for op in ["BatchNormalization", "Elu", "Erf", "Flatten", "Gemm", "LeakyRelu", "MatMul", "Reshape", "Sigmoid", "Softplus", "Tanh", "Where"] {
            #expect(output.contains("'\(op)'"), "\(op) missing from the exported graph: \(output)")
        }
    }

    /// A `float64` model stays `float64` (layers whose operators onnxruntime runs in double).
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func float64ModelsExportInDouble() throws {
        var g = SplitMix64(seed: 6)
        let model = Sequential(Linear(inputSize: 5, outputSize: 8, dtype: .float64, generator: &g),
                               BatchNorm1d(features: 8, dtype: .float64), Tanh(), Dropout(),
                               Linear(inputSize: 8, outputSize: 3, dtype: .float64, generator: &g), Sigmoid())
        let output = try checkWithONNXRuntime(model, inputs: Tensor.normal([20, 5], dtype: .float64, generator: &g))
        #expect(output.contains("elem_type 11"))
    }

    /// A module without an ONNX form is named by its path and type; a wrong input shape by the layer.
    @Test func unsupportedLayersAndShapesAreNamed() {
        final class Doubler: Module {
            var isTraining = true
            func callAsFunction(_ input: Variable) -> Variable { input * 2 }
            var namedParameters: [(name: String, parameter: Variable)] { [] }
        }
        var g = SplitMix64(seed: 1)
        let nested = Sequential(Linear(inputSize: 4, outputSize: 4, generator: &g), Sequential(ReLU(), Doubler()))
        #expect(throws: ONNXExportError(layer: "1.1 (Doubler)", "has no ONNX form; make it conform to ONNXExportable (see docs/interop.md)")) {
            try onnxModelBytes(nested, inputShape: [4])
        }
        #expect(throws: ONNXExportError(layer: "0 (Linear)", "expects inputs [batch, ..., 4], got [batch, 3]")) {
            try onnxModelBytes(nested, inputShape: [3])
        }
        #expect(throws: ONNXExportError.self) { try onnxModelBytes(Doubler(), inputShape: [4]) }
    }
}
