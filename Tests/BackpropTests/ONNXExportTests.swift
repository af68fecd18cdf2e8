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

    /// Exports `model` (as `dtype` if given), writes `inputs` and the model's evaluation-mode
    /// outputs (times `1 + perturbation`), runs the script and returns its status and output.
    func runONNXCheck(_ model: any Module, inputs: Tensor, perturbation: Double = 0,
                      dtype: DType? = nil) throws -> (status: Int32, output: String) {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        model.eval()
        let outputs = withNoGrad { model(Variable(inputs)) }.value * (1 + perturbation)
        let onnx = folder.appendingPathComponent("model.onnx"), cases = folder.appendingPathComponent("cases.safetensors")
        try exportONNX(model, inputShape: Array(inputs.shape.dropFirst()), dtype: dtype, to: onnx)
        try SafeTensors.write(["input": inputs.converted(to: dtype ?? inputs.dtype), "output": outputs], to: cases)
        return TestPython.run(Self.python!, [interopScript("onnx_check.py"), onnx.path, cases.path])
    }

    /// ``runONNXCheck(_:inputs:perturbation:)`` expected to pass; returns the script's report.
    func checkWithONNXRuntime(_ model: any Module, inputs: Tensor, dtype: DType? = nil) throws -> String {
        let result = try runONNXCheck(model, inputs: inputs, dtype: dtype)
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


    /// A few SGD steps in training mode, so BatchNorm's running statistics and the affine
    /// parameters move away from their starting values (0 and 1 would hide a swapped input).
    func trainBriefly(_ model: any Module, _ inputs: Tensor, steps: Int = 3, lr: Double = 0.05) {
        let optimizer = SGD(parameters: model.parameters, lr: lr)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let y = model(Variable(inputs))
            (y * y).mean().backward()
            optimizer.step()
        }
    }

    /// A small CNN with every image layer: Conv2d → BatchNorm2d → ReLU → MaxPool2d → a grouped,
    /// dilated, padded Conv2d without bias → GroupNorm → AvgPool2d → AdaptiveAvgPool2d(1) →
    /// Flatten → Linear, trained a few steps, matches onnxruntime.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func smallCNNRunsInONNXRuntime() throws {
        var g = SplitMix64(seed: 21)
        let model = Sequential(
            Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, generator: &g),             // 12x12
            BatchNorm2d(features: 8), ReLU(), MaxPool2d(kernelSize: 2),                                    // 6x6
            Conv2d(inChannels: 8, outChannels: 12, kernelSize: 3, padding: 2, dilation: 2, groups: 4, bias: false,
                   generator: &g),                                                                         // 6x6
            GroupNorm(groups: 3, channels: 12), AvgPool2d(kernelSize: 2),                                  // 3x3
            AdaptiveAvgPool2d(outputSize: 1), Flatten(), Linear(inputSize: 12, outputSize: 5, generator: &g))
        var data = SplitMix64(seed: 22)
        let inputs = Tensor.normal([24, 3, 12, 12], std: 1.5, generator: &data)
        trainBriefly(model, inputs)
        let output = try checkWithONNXRuntime(model, inputs: inputs)
        for op in ["Conv", "BatchNormalization", "Relu", "MaxPool", "Reshape", "ReduceMean", "Sqrt", "Div", "AveragePool",
                   "GlobalAveragePool", "Flatten", "Gemm"] {
            #expect(output.contains("'\(op)'"), "\(op) missing from the exported graph: \(output)")
        }
    }

    /// The same kind of CNN ending in an adaptive pool to a grid that does not divide the input
    /// (7x7 → 3x2: the averaging-matrix MatMuls), a strided convolution without padding, a
    /// 2-D GroupNorm without affine parameters, then Flatten → Linear.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func cnnWithUnevenAdaptivePoolRunsInONNXRuntime() throws {
        var g = SplitMix64(seed: 23)
        let model = Sequential(
            Conv2d(inChannels: 2, outChannels: 6, kernelSize: [3, 2], stride: [2, 1], padding: .valid, generator: &g),   // 7x10
            BatchNorm2d(features: 6, affine: false), Tanh(),
            Conv2d(inChannels: 6, outChannels: 6, kernelSize: [1, 4], padding: [0, 0], groups: 6, generator: &g),        // 7x7
            GroupNorm(groups: 2, channels: 6, affine: false), ReLU(),
            AdaptiveAvgPool2d(outputSize: [3, 2]), Flatten(), Linear(inputSize: 36, outputSize: 4, generator: &g))
        var data = SplitMix64(seed: 24)
        let inputs = Tensor.normal([16, 2, 15, 10], generator: &data)
        trainBriefly(model, inputs)
        let output = try checkWithONNXRuntime(model, inputs: inputs)
        #expect(output.contains("'MatMul'") && output.contains("'Conv'") && !output.contains("'GlobalAveragePool'"), "\(output)")
    }

    /// One image layer with an option whose ONNX form is not the plain one, its name, the input
    /// shape `[channels, height, width]`, and an operator its graph must contain.
    static func imageLayerVariant(_ index: Int) -> (name: String, layer: any Module, shape: [Int], op: String) {
        var g = SplitMix64(seed: UInt64(30 + index))
        switch index {
        case 0: // odd total padding: PyTorch puts the extra row at the bottom (kernel 4, span 3 → 1 + 2)
            return ("Conv2d same, even kernel, dilation", Conv2d(inChannels: 2, outChannels: 4, kernelSize: [4, 3], padding: .same,
                                                                 dilation: [1, 2], generator: &g), [2, 9, 8], "Conv")
        case 1: // ceil mode keeps a last window that runs past the padding: 8 + 2 → 5 windows, not 4
            return ("MaxPool2d ceil mode", MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true), [3, 8, 8], "MaxPool")
        case 2: // ceil mode, and PyTorch's rule drops a window that would start in the right padding (4 → 3)
            return ("MaxPool2d ceil mode, dropped window", MaxPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true), [3, 5, 5], "MaxPool")
        case 3: // padding counts in the divisor, but not the ceil-mode overhang: a Pad node
            return ("AvgPool2d ceil, count_include_pad", AvgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true), [3, 8, 8], "Pad")
        case 4:
            return ("AvgPool2d ceil, no count_include_pad",
                    AvgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), [3, 8, 8], "AveragePool")
        case 5: // floor mode: count_include_pad = 1 with symmetric pads
            return ("AvgPool2d count_include_pad", AvgPool2d(kernelSize: 3, stride: 2, padding: 1), [3, 9, 9], "AveragePool")
        case 6:
            return ("AvgPool2d no count_include_pad", AvgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false), [3, 9, 9], "AveragePool")
        case 7: // ceil mode without padding: the overhang is the only padding and must not count
            return ("AvgPool2d ceil, no padding", AvgPool2d(kernelSize: 2, ceilMode: true), [3, 7, 7], "AveragePool")
        case 8: // different settings per axis; padding only on the height, overhang on both
            return ("AvgPool2d ceil, per-axis settings",
                    AvgPool2d(kernelSize: [3, 2], stride: [2, 3], padding: [1, 0], ceilMode: true), [2, 8, 8], "Pad")
        case 9:
            return ("AdaptiveAvgPool2d dividing", AdaptiveAvgPool2d(outputSize: [4, 7]), [3, 8, 7], "AveragePool")
        case 10:
            return ("AdaptiveAvgPool2d larger than the input", AdaptiveAvgPool2d(outputSize: [5, 3]), [3, 4, 2], "MatMul")
        default:
            return ("Conv2d stride 2, no bias", Conv2d(inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: [1, 0],
                                                        groups: 2, bias: false, generator: &g), [4, 9, 8], "Conv")
        }
    }

    /// Each variant alone (its own file), so a failure names it.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"), arguments: 0..<12)
    func imageLayerVariantsRunInONNXRuntime(_ index: Int) throws {
        let (name, layer, shape, op) = Self.imageLayerVariant(index)
        var data = SplitMix64(seed: UInt64(50 + index))
        let output = try checkWithONNXRuntime(layer, inputs: Tensor.normal([6] + shape, generator: &data))
        #expect(output.contains("'\(op)'"), "\(name): \(op) missing from the exported graph: \(output)")
    }

    /// The variants exercise what they claim: ceil mode changes the output size, and the
    /// divisors of count_include_pad differ from those without.
    @Test func imageLayerVariantsDifferFromThePlainForms() {
        var data = SplitMix64(seed: 3)
        let x = Variable(Tensor.normal([1, 1, 8, 8], generator: &data))
        #expect(x.maxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true).shape == [1, 1, 5, 5])
        #expect(x.maxPool2d(kernelSize: 3, stride: 2, padding: 1).shape == [1, 1, 4, 4])
        #expect(Variable(Tensor.zeros([1, 1, 5, 5])).maxPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true).shape == [1, 1, 3, 3])
        let ones = Variable(Tensor.ones([1, 1, 8, 8]))
        let counted = ones.avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true).value.scalars(as: Float.self)
        let uncounted = ones.avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
            .value.scalars(as: Float.self)
        #expect(Set(uncounted) == [1])
        // The first window has 2 of its 3 rows in the input and 1 in the padding, which counts:
        // 2/3 per axis. The last has 1 row in the input, 1 in the padding, 1 beyond it, which
        // does not count: 1/2 per axis.
        #expect(abs(counted.first! - 4.0 / 9) < 1e-6 && counted.last == 0.25, "\(counted)")
    }

    /// A small LM-style model, Embedding → Flatten → Linear → LayerNorm → Tanh → Linear: the
    /// exported model takes int64 token ids `[batch, 5]` and gives onnxruntime's logits.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func languageModelTakesInt64TokensInONNXRuntime() throws {
        var g = SplitMix64(seed: 41)
        let model = Sequential(
            Embedding(numEmbeddings: 11, embeddingDim: 6, paddingIndex: 0, generator: &g), Flatten(),
            Linear(inputSize: 30, outputSize: 16, generator: &g), LayerNorm([16]), Tanh(),
            Linear(inputSize: 16, outputSize: 11, generator: &g))
        let tokens = Self.tokens(rows: 32, length: 5, vocabulary: 11, seed: 42)
        trainBriefly(model, tokens)
        let output = try checkWithONNXRuntime(model, inputs: tokens)
        #expect(output.contains("elem_type 7"), "the input is not int64: \(output)")
        for op in ["Gather", "Flatten", "Gemm", "LayerNormalization", "Tanh"] {
            #expect(output.contains("'\(op)'"), "\(op) missing from the exported graph: \(output)")
        }
        #expect(!output.contains("'Cast'"))
    }

    /// LayerNorm over two trailing axes (axis -2) without bias, and without any affine parameters.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func layerNormOverSeveralAxesRunsInONNXRuntime() throws {
        var g = SplitMix64(seed: 43)
        let model = Sequential(
            Embedding(numEmbeddings: 9, embeddingDim: 4, generator: &g), LayerNorm([3, 4], eps: 1e-3, bias: false),
            Linear(inputSize: 4, outputSize: 4, generator: &g), LayerNorm([4], elementwiseAffine: false), Flatten(),
            Linear(inputSize: 12, outputSize: 3, generator: &g))
        let tokens = Self.tokens(rows: 20, length: 3, vocabulary: 9, seed: 44)
        trainBriefly(model, tokens)
        let output = try checkWithONNXRuntime(model, inputs: tokens)
        #expect(output.contains("'LayerNormalization'") && output.contains("'MatMul'"), "\(output)")
    }

    /// Whole-number token ids `[rows, length]` below `vocabulary`, as floats (Backprop's form).
    static func tokens(rows: Int, length: Int, vocabulary: Int, seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor((0..<rows * length).map { _ in Float(g.next() % UInt64(vocabulary)) }, shape: [rows, length])
    }

    /// A module that reads its input both as token ids and as numbers, in either order: the
    /// input stays int64 (cast to float for the numbers) when the Embedding reads it first, and
    /// stays float (cast to int64 for the Gather) when it is read as numbers first.
    final class TokensPlusValues: Module, ONNXExportable {
        let table: Embedding
        let embeddingFirst: Bool
        var isTraining = true
        init(embeddingFirst: Bool, generator: inout SplitMix64) {
            table = Embedding(numEmbeddings: 7, embeddingDim: 3, generator: &generator)
            self.embeddingFirst = embeddingFirst
        }
        func callAsFunction(_ x: Variable) -> Variable {
            table(x) + x.reshaped([x.shape[0], x.shape[1], 1]) * 0.5
        }
        func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
            let length = input.shape[1]!
            func values() -> String {
                graph.node("Mul", [graph.node("Reshape", [input.name, graph.int64Constant([0, length, 1])]), graph.constant([0.5], shape: [])])
            }
            let scaled = embeddingFirst ? nil : values()
            let rows = try graph.export(table, named: "table", input: input)
            let y = graph.node("Add", [rows.name, scaled ?? values()])
            return ONNXValue(name: y, shape: rows.shape)
        }
    }

    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"), arguments: [true, false])
    func inputReadAsTokensAndNumbers(embeddingFirst: Bool) throws {
        var g = SplitMix64(seed: 45)
        let model = TokensPlusValues(embeddingFirst: embeddingFirst, generator: &g)
        let output = try checkWithONNXRuntime(model, inputs: Self.tokens(rows: 8, length: 4, vocabulary: 7, seed: 46))
        #expect(output.contains(embeddingFirst ? "elem_type 7" : "elem_type 1"), "\(output)")
        #expect(output.contains("'Cast'") && output.contains("'Gather'"), "\(output)")
    }

    /// Shapes and options the ONNX form cannot take are named with the layer and the option.
    @Test func imageLayerErrorsNameTheLayerAndTheOption() {
        var g = SplitMix64(seed: 1)
        let conv = Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, generator: &g)
        #expect(throws: ONNXExportError(layer: "0 (Conv2d)", "expects inputs [batch, 3, height, width], got [batch, 3, 8]")) {
            try onnxModelBytes(Sequential(conv), inputShape: [3, 8])
        }
        #expect(throws: ONNXExportError(layer: "0 (Conv2d)", "expects inputs [batch, 3, height, width], got [batch, 2, 8, 8]")) {
            try onnxModelBytes(Sequential(conv), inputShape: [2, 8, 8])
        }
        let strided = Conv2d(inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, padding: .same, generator: &g)
        #expect(throws: ONNXExportError(layer: "0 (Conv2d)", "padding .same needs stride 1, got stride (2, 2)")) {
            try onnxModelBytes(Sequential(strided), inputShape: [1, 8, 8])
        }
        #expect(throws: ONNXExportError(layer: "1 (MaxPool2d)", "padding 2 must be at most half the kernel size 3 (height)")) {
            try onnxModelBytes(Sequential(ReLU(), MaxPool2d(kernelSize: 3, padding: [2, 1])), inputShape: [1, 8, 8])
        }
        #expect(throws: ONNXExportError(layer: "0 (AvgPool2d)", "kernel size 5 is larger than the padded input width 4")) {
            try onnxModelBytes(Sequential(AvgPool2d(kernelSize: [2, 5])), inputShape: [1, 8, 4])
        }
        #expect(throws: ONNXExportError(layer: "0 (GroupNorm)", "expects inputs [batch, 6, ...], got [batch, 4, 2]")) {
            try onnxModelBytes(Sequential(GroupNorm(groups: 2, channels: 6)), inputShape: [4, 2])
        }
        #expect(throws: ONNXExportError(layer: "0 (LayerNorm)", "expects inputs [batch, ..., 3, 4], got [batch, 4, 4]")) {
            try onnxModelBytes(Sequential(LayerNorm([3, 4])), inputShape: [4, 4])
        }
        #expect(throws: ONNXExportError(layer: "0 (LayerNorm)", "expects inputs [batch, ..., 4], got [batch]")) {
            try onnxModelBytes(Sequential(LayerNorm([4])), inputShape: [])
        }
        #expect(throws: ONNXExportError(layer: "0 (BatchNorm2d)", "expects inputs [batch, 4, height, width], got [batch, 4]")) {
            try onnxModelBytes(Sequential(BatchNorm2d(features: 4)), inputShape: [4])
        }
    }

    /// `float64` image and normalisation layers whose operators onnxruntime's CPU provider runs
    /// in double (MaxPool, BatchNormalization, the GroupNorm composition, LayerNormalization)...
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func float64NormalizationLayersExportInDouble() throws {
        var g = SplitMix64(seed: 61)
        let model = Sequential(BatchNorm2d(features: 2, dtype: .float64), MaxPool2d(kernelSize: 2, stride: 1, padding: 1),
                               GroupNorm(groups: 2, channels: 2, dtype: .float64), Flatten(),
                               Linear(inputSize: 98, outputSize: 6, dtype: .float64, generator: &g), LayerNorm([6], dtype: .float64))
        let inputs = Tensor.normal([5, 2, 6, 6], dtype: .float64, generator: &g)
        trainBriefly(model, inputs)
        let output = try checkWithONNXRuntime(model, inputs: inputs)
        #expect(output.contains("elem_type 11") && output.contains("'LayerNormalization'"), "\(output)")
    }

    /// ...while a `float64` CNN (no double Conv or AveragePool in onnxruntime) exports as `float32`.
    @Test(.enabled(if: ONNXExportTests.python != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func float64CNNExportsAsFloat32() throws {
        var g = SplitMix64(seed: 62)
        let model = Sequential(Conv2d(inChannels: 2, outChannels: 4, kernelSize: 3, padding: .same, dtype: .float64, generator: &g),
                               ReLU(), AvgPool2d(kernelSize: 2), AdaptiveAvgPool2d(outputSize: 1), Flatten(),
                               Linear(inputSize: 4, outputSize: 3, dtype: .float64, generator: &g))
        let output = try checkWithONNXRuntime(model, inputs: Tensor.normal([5, 2, 6, 6], dtype: .float64, generator: &g), dtype: .float32)
        #expect(output.contains("elem_type 1)") && output.contains("'Conv'"), "\(output)")
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
