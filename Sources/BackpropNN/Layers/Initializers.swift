import BackpropTensor
import BackpropAutograd
/// Initial values for weights, drawn from a ``SplitMix64`` in row-major order, with the laws
/// and fan conventions of `torch.nn.init`.
///
/// For a weight of shape `[out, in, k...]`, `fanIn = in · Πk` and `fanOut = out · Πk`
/// (a `[out, in]` Linear weight has `fanIn = in`).
/// ```swift
/// var g = SplitMix64(seed: 0)
/// layer.weight.value = Initializers.kaimingNormal([256, 784], generator: &g)
/// ```
public enum Initializers {
    /// The activation that follows a layer, for the gain of Xavier and Kaiming initialisation.
    public enum Nonlinearity: Sendable {
        /// No activation (gain 1).
        case linear
        /// The logistic sigmoid (gain 1).
        case sigmoid
        /// tanh (gain 5/3).
        case tanh
        /// ReLU (gain √2).
        case relu
        /// Leaky ReLU with the given slope for negative inputs.
        case leakyRelu(negativeSlope: Double)

        /// PyTorch's `calculate_gain`: 1 for linear and sigmoid, 5/3 for tanh, √2 for ReLU,
        /// `√(2 / (1 + slope²))` for leaky ReLU.
        public var gain: Double {
            switch self {
            case .linear, .sigmoid: return 1
            case .tanh: return 5.0 / 3
            case .relu: return 2.0.squareRoot()
            case .leakyRelu(let slope): return (2 / (1 + slope * slope)).squareRoot()
            }
        }
    }

    /// `(fanIn, fanOut)` of a weight shape, as `torch.nn.init._calculate_fan_in_and_fan_out`.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else {
            fatalError("Initializers: fan in and fan out need a shape of rank >= 2, got \(shape)")
        }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// PyTorch's `nn.Linear` default for weight and bias: `U(-1/√fanIn, 1/√fanIn)`.
    public static func pytorchLinearDefault(_ shape: [Int], fanIn: Int, dtype: DType = .float32,
                                            generator: inout SplitMix64) -> Tensor {
        let bound = 1 / Double(fanIn).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype, generator: &generator)
    }

    /// Xavier/Glorot uniform: `U(-a, a)`, `a = gain · √(6 / (fanIn + fanOut))`.
    public static func xavierUniform(_ shape: [Int], gain: Double = 1, dtype: DType = .float32,
                                     generator: inout SplitMix64) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        let a = gain * (6 / Double(fanIn + fanOut)).squareRoot()
        return Tensor.uniform(shape, low: -a, high: a, dtype: dtype, generator: &generator)
    }

    /// Xavier/Glorot normal: `N(0, σ²)`, `σ = gain · √(2 / (fanIn + fanOut))`.
    public static func xavierNormal(_ shape: [Int], gain: Double = 1, dtype: DType = .float32,
                                    generator: inout SplitMix64) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        let std = gain * (2 / Double(fanIn + fanOut)).squareRoot()
        return Tensor.normal(shape, mean: 0, std: std, dtype: dtype, generator: &generator)
    }

    /// Kaiming/He uniform (fan-in mode): `U(-b, b)`, `b = gain · √(3 / fanIn)`; the default
    /// gain is ReLU's `√2`.
    public static func kaimingUniform(_ shape: [Int], nonlinearity: Nonlinearity = .relu, dtype: DType = .float32,
                                      generator: inout SplitMix64) -> Tensor {
        let bound = nonlinearity.gain * (3 / Double(fans(of: shape).fanIn)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype, generator: &generator)
    }

    /// Kaiming/He normal (fan-in mode): `N(0, σ²)`, `σ = gain / √fanIn`.
    public static func kaimingNormal(_ shape: [Int], nonlinearity: Nonlinearity = .relu, dtype: DType = .float32,
                                     generator: inout SplitMix64) -> Tensor {
        let std = nonlinearity.gain / Double(fans(of: shape).fanIn).squareRoot()
        return Tensor.normal(shape, mean: 0, std: std, dtype: dtype, generator: &generator)
    }

    /// All zeros (biases, or a deliberately silent layer).
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor.zeros(shape, dtype: dtype)
    }

    /// Xavier uniform; the generator label is now `generator:`.
    @available(*, deprecated, renamed: "xavierUniform(_:gain:dtype:generator:)")
    public static func xavierUniform(_ shape: [Int], gain: Double = 1, dtype: DType = .float32,
                                     using generator: inout SplitMix64) -> Tensor {
        xavierUniform(shape, gain: gain, dtype: dtype, generator: &generator)
    }
    /// Xavier normal; the generator label is now `generator:`.
    @available(*, deprecated, renamed: "xavierNormal(_:gain:dtype:generator:)")
    public static func xavierNormal(_ shape: [Int], gain: Double = 1, dtype: DType = .float32,
                                    using generator: inout SplitMix64) -> Tensor {
        xavierNormal(shape, gain: gain, dtype: dtype, generator: &generator)
    }
    /// Kaiming uniform; the generator label is now `generator:`.
    @available(*, deprecated, renamed: "kaimingUniform(_:nonlinearity:dtype:generator:)")
    public static func kaimingUniform(_ shape: [Int], nonlinearity: Nonlinearity = .relu, dtype: DType = .float32,
                                      using generator: inout SplitMix64) -> Tensor {
        kaimingUniform(shape, nonlinearity: nonlinearity, dtype: dtype, generator: &generator)
    }
    /// Kaiming normal; the generator label is now `generator:`.
    @available(*, deprecated, renamed: "kaimingNormal(_:nonlinearity:dtype:generator:)")
    public static func kaimingNormal(_ shape: [Int], nonlinearity: Nonlinearity = .relu, dtype: DType = .float32,
                                     using generator: inout SplitMix64) -> Tensor {
        kaimingNormal(shape, nonlinearity: nonlinearity, dtype: dtype, generator: &generator)
    }
}
