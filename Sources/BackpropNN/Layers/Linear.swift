import BackpropTensor
import BackpropAutograd
/// A fully connected layer, `y = x·Wᵀ + b` (PyTorch's `nn.Linear`).
///
/// `weight` has shape `[outputSize, inputSize]` and is read transposed in place by the matrix
/// kernel (no copy). Both weight and bias start from PyTorch's default law
/// `U(-1/√inputSize, 1/√inputSize)`, drawn from `generator` weight first (row-major), then bias.
/// ```swift
/// var generator = SplitMix64(seed: 1)
/// let layer = Linear(inputSize: 784, outputSize: 256, generator: &generator)
/// let y = layer(x)        // [batch, 784] → [batch, 256]
/// ```
public final class Linear: Module {
    /// `[outputSize, inputSize]`. Assign another variable to share weights between layers.
    public var weight: Variable
    /// `[outputSize]`, or `nil` for a layer without bias.
    public var bias: Variable?
    /// The size of the last input axis.
    public let inputSize: Int
    /// The size of the last output axis.
    public let outputSize: Int

    /// Creates the layer with PyTorch's default initialisation drawn from `generator`.
    public init(inputSize: Int, outputSize: Int, bias: Bool = true, dtype: DType = .float32,
                generator: inout SplitMix64) {
        guard inputSize > 0, outputSize > 0 else {
            fatalError("Linear: sizes must be positive, got inputSize \(inputSize), outputSize \(outputSize)")
        }
        self.inputSize = inputSize
        self.outputSize = outputSize
        weight = Variable(Initializers.pytorchLinearDefault([outputSize, inputSize], fanIn: inputSize, dtype: dtype,
                                                            generator: &generator),
                          requiresGrad: true, label: "weight")
        self.bias = bias
            ? Variable(Initializers.pytorchLinearDefault([outputSize], fanIn: inputSize, dtype: dtype, generator: &generator),
                       requiresGrad: true, label: "bias")
            : nil
    }

    /// Creates the layer with PyTorch's default initialisation drawn from a generator seeded by
    /// the ``DefaultGenerator`` (reproducible after ``manualSeed(_:)``).
    public convenience init(inputSize: Int, outputSize: Int, bias: Bool = true, dtype: DType = .float32) {
        var generator = DefaultGenerator.spawn()
        self.init(inputSize: inputSize, outputSize: outputSize, bias: bias, dtype: dtype, generator: &generator)
    }

    /// `x·Wᵀ + b` for `x` of shape `[..., inputSize]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        guard input.rank >= 1, input.shape[input.rank - 1] == inputSize else {
            fatalError("Linear: input of shape \(input.shape) does not end in inputSize \(inputSize) (the layer maps \(inputSize) → \(outputSize) features, so it needs input [..., \(inputSize)])")
        }
        guard input.dtype == weight.dtype else {
            fatalError("Linear: input of element type \(input.dtype) but the layer's parameters are \(weight.dtype); convert the input with converted(to: .\(weight.dtype)) or create the layer with dtype: .\(input.dtype)")
        }
        if input.rank == 1 { return self(input.reshaped([1, inputSize])).reshaped([outputSize]) }
        let product = input.matmul(weight, transposeOther: true)
        guard let bias else { return product }
        return product + bias
    }
}

extension Linear {
    /// `Linear(in → out)`, with `, no bias` for a layer without bias.
    public var description: String { "Linear(\(inputSize) → \(outputSize)\(bias == nil ? ", no bias" : ""))" }
}
