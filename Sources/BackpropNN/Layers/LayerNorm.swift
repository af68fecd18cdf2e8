import BackpropTensor
import BackpropAutograd
/// Layer normalisation over the trailing axes `normalizedShape` (PyTorch's `nn.LayerNorm`):
/// `y = (x - μ) / √(σ² + eps) ⊙ weight + bias`, statistics taken per leading index (the same
/// in training and evaluation). The operation and its derivative are
/// ``Variable/layerNorm(_:weight:bias:eps:)``.
///
/// `weight` starts at ones and `bias` at zeros, both of shape `normalizedShape`;
/// `elementwiseAffine: false` has neither, `bias: false` only the weight.
/// ```swift
/// let norm = LayerNorm([64])
/// let y = norm(x)            // x: [batch, 64], each row to mean 0 and variance 1
/// ```
public final class LayerNorm: Module {
    /// The shape of the trailing axes normalised together.
    public let normalizedShape: [Int]
    /// Added to the variance before the square root.
    public let eps: Double
    /// The elementwise scale (`normalizedShape`), or `nil` without an affine transform.
    public var weight: Variable?
    /// The elementwise shift (`normalizedShape`), or `nil`.
    public var bias: Variable?
    public var isTraining = true

    /// Creates the layer; weight ones and bias zeros, as PyTorch.
    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                dtype: DType = .float32) {
        guard !normalizedShape.isEmpty, normalizedShape.allSatisfy({ $0 > 0 }) else {
            fatalError("LayerNorm: normalizedShape must be non-empty sizes > 0, got \(normalizedShape)")
        }
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Variable(Tensor.ones(normalizedShape, dtype: dtype), requiresGrad: true, label: "weight") : nil
        self.bias = elementwiseAffine && bias ? Variable(Tensor.zeros(normalizedShape, dtype: dtype), requiresGrad: true, label: "bias") : nil
    }

    /// Normalises `input` (`[..., normalizedShape]`).
    public func callAsFunction(_ input: Variable) -> Variable {
        input.layerNorm(normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    public var namedParameters: [(name: String, parameter: Variable)] {
        [("weight", weight), ("bias", bias)].compactMap { name, p in p.map { (name: name, parameter: $0) } }
    }
}

extension LayerNorm: CustomStringConvertible {
    public var description: String {
        "LayerNorm(\(normalizedShape), eps: \(eps)\(weight == nil ? ", no affine" : bias == nil ? ", no bias" : ""))"
    }
}
