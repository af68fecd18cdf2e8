import Foundation
import Testing
@testable import Backprop

/// Embedding and LayerNorm save with PyTorch's state-dict names: a `Sequential(Embedding,
/// LayerNorm, Linear)` written by Backprop loads into the same `nn.Sequential` in PyTorch
/// (`load_state_dict(strict=True)`) and computes the same outputs (Tests/Interop/pytorch_lm_layers.py).
/// Optional: skipped when no Python with torch is found (set BACKPROP_PYTHON).
@Suite(.enabled(if: TestPython.withTorch != nil, "no Python with torch (set BACKPROP_PYTHON)"))
struct LanguageModelInteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/pytorch_lm_layers.py").path

    /// A trained-looking model (random affine parameters, not ones and zeros) and its output.
    static func write(in folder: URL, perturb: Bool) throws -> (model: String, io: String) {
        var g = SplitMix64(seed: 21)
        let norm = LayerNorm([3, 6])
        norm.weight!.value = Tensor.uniform([3, 6], low: 0.5, high: 1.5, generator: &g)
        norm.bias!.value = Tensor.uniform([3, 6], low: -0.5, high: 0.5, generator: &g)
        let model = Sequential(Embedding(numEmbeddings: 11, embeddingDim: 6, paddingIndex: 0, generator: &g), norm,
                               Linear(inputSize: 6, outputSize: 4, generator: &g))
        #expect(model.namedParameters.map(\.name) == ["0.weight", "1.weight", "1.bias", "2.weight", "2.bias"])
        let indices = Tensor([1, 0, 7, 10, 3, 3, 5, 2, 9, 0, 10, 4] as [Float], shape: [4, 3])
        var output = withNoGrad { model(Variable(indices)) }.value
        if perturb { output[2, 1, 3] += 1e-3 }
        let modelURL = folder.appendingPathComponent("lm.safetensors"), ioURL = folder.appendingPathComponent("io.safetensors")
        try SafeTensors.write(model.stateDict(), to: modelURL)
        try SafeTensors.write(["indices": indices, "output": output], to: ioURL)
        return (modelURL.path, ioURL.path)
    }

    @Test(arguments: [false, true]) func pytorchLoadsTheLayersAndAgrees(perturb: Bool) throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.write(in: folder, perturb: perturb)
        let (status, output) = TestPython.run(TestPython.withTorch!, [Self.script, files.model, files.io])
        // Unperturbed: agreement. Perturbed by 1e-3 in one place: the check must fail.
        #expect(status == (perturb ? 1 : 0), "pytorch_lm_layers.py (perturbed: \(perturb)) exited \(status):\n\(output)")
        #expect(output.contains("max |torch - backprop|"), "\(output)")
    }
}
