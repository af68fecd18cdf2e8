import BackpropTensor
import BackpropAutograd

/// Batch normalisation over the feature (channel) axis 1 of its input, the shared core of
/// ``BatchNorm1d`` and ``BatchNorm2d`` (PyTorch's `_BatchNorm`).
///
/// Training: `y = (x - μ_B) / √(σ²_B + ε) · γ + β` with the batch mean `μ_B` and the biased
/// batch variance `σ²_B` (over every axis but the feature axis), and the running statistics
/// updated as `running = (1 - momentum) · running + momentum · batchStat`, where the variance
/// fed to `running_var` is the unbiased `σ²_B · n / (n - 1)`. Evaluation uses the running
/// statistics instead. Defaults as PyTorch: `ε = 1e-5`, momentum 0.1, `γ = 1`, `β = 0`;
/// `momentum: nil` averages all batches seen equally (cumulative moving average).
public class BatchNorm: Module {
    /// The number of features (channels) normalised separately.
    public let features: Int
    /// Added to the variance before the square root, for stability.
    public let eps: Double
    /// The weight of the newest batch in the running statistics; `nil`: cumulative average.
    public let momentum: Double?
    /// `γ`, shape `[features]`; `nil` when `affine` is false.
    public var weight: Variable?
    /// `β`, shape `[features]`; `nil` when `affine` is false.
    public var bias: Variable?
    /// The running mean, shape `[features]` (a buffer: saved as `running_mean`, not trained).
    @Buffer public var runningMean: Variable
    /// The running unbiased variance, shape `[features]` (a buffer, `running_var`).
    @Buffer public var runningVar: Variable
    /// The number of training batches seen, as a `float64` scalar (a buffer, `num_batches_tracked`).
    @Buffer public var batchesTracked: Variable
    /// The layer's name and the input shapes it accepts, for messages.
    let name: String, expectedShapes: String
    /// The input ranks it accepts.
    let ranks: [Int]

    init(name: String, ranks: [Int], expectedShapes: String, features: Int, eps: Double, momentum: Double?, affine: Bool,
         dtype: DType) {
        guard features > 0 else { fatalError("\(name): features must be positive, got \(features)") }
        self.name = name
        self.ranks = ranks
        self.expectedShapes = expectedShapes
        self.features = features
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Variable(Tensor.ones([features], dtype: dtype), requiresGrad: true, label: "weight") : nil
        bias = affine ? Variable(Tensor.zeros([features], dtype: dtype), requiresGrad: true, label: "bias") : nil
        _runningMean = Buffer(wrappedValue: Variable(Tensor.zeros([features], dtype: dtype), label: "running_mean"),
                              key: "running_mean")
        _runningVar = Buffer(wrappedValue: Variable(Tensor.ones([features], dtype: dtype), label: "running_var"),
                             key: "running_var")
        _batchesTracked = Buffer(wrappedValue: Variable(Tensor(0, dtype: .float64), label: "num_batches_tracked"),
                                 key: "num_batches_tracked")
    }

    /// The number of training batches seen (PyTorch's `num_batches_tracked`).
    public var numBatchesTracked: Int { Int(batchesTracked.value.item(as: Double.self)) }

    /// The normalised input, scaled by `γ` and shifted by `β`.
    public func callAsFunction(_ input: Variable) -> Variable {
        guard ranks.contains(input.rank), input.shape[1] == features else {
            fatalError("\(name): expected an input of shape \(expectedShapes), got \(input.shape)")
        }
        // Statistics are taken over every axis but the feature axis; per-feature tensors are
        // shaped to broadcast along them.
        let axes = [0] + Array(2..<input.rank)
        let featureShape = [1, features] + Array(repeating: 1, count: input.rank - 2)
        let normalized: Variable
        if isTraining {
            let n = input.value.count / features
            guard n > 1 else {
                fatalError("\(name): expected more than 1 value per feature when training, got input of shape \(input.shape)")
            }
            let statistics = input.standardized(axes: axes, eps: eps)
            normalized = statistics.normalized
            updateRunningStatistics(mean: statistics.mean.value, biasedVariance: statistics.variance.value, count: n)
        } else {
            let mean = Variable(runningMean.value.reshaped(featureShape))
            let std = Variable((runningVar.value + eps).sqrt().reshaped(featureShape))
            normalized = (input - mean) / std
        }
        guard let weight, let bias else { return normalized }
        return normalized * weight.reshaped(featureShape) + bias.reshaped(featureShape)
    }

    private func updateRunningStatistics(mean: Tensor, biasedVariance: Tensor, count n: Int) {
        let tracked = batchesTracked.value.item(as: Double.self) + 1
        batchesTracked.value = Tensor(tracked, dtype: .float64)
        let factor = momentum ?? 1 / tracked
        let unbiased = biasedVariance.reshaped([features]) * (Double(n) / Double(n - 1))
        runningMean.value = runningMean.value * (1 - factor) + mean.reshaped([features]) * factor
        runningVar.value = runningVar.value * (1 - factor) + unbiased * factor
    }
}

extension BatchNorm {
    /// `BatchNorm1d(features)` or `BatchNorm2d(features)`.
    public var description: String { "\(name)(\(features))" }
}

/// Batch normalisation of a `[batch, features]` or `[batch, features, length]` input
/// (PyTorch's `nn.BatchNorm1d`); see ``BatchNorm`` for the rule.
public final class BatchNorm1d: BatchNorm {
    /// Creates the layer with `γ = 1`, `β = 0`, running mean 0 and running variance 1.
    public init(features: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true, dtype: DType = .float32) {
        super.init(name: "BatchNorm1d", ranks: [2, 3], expectedShapes: "[batch, \(features)] or [batch, \(features), length]",
                   features: features, eps: eps, momentum: momentum, affine: affine, dtype: dtype)
    }
}

/// Batch normalisation of each channel of a `[batch, channels, height, width]` input over the
/// batch and both spatial axes (PyTorch's `nn.BatchNorm2d`); see ``BatchNorm`` for the rule.
/// ```swift
/// let bn = BatchNorm2d(features: 16)
/// let y = bn(x)                // x: [64, 16, 28, 28]
/// ```
public final class BatchNorm2d: BatchNorm {
    /// Creates the layer with `γ = 1`, `β = 0`, running mean 0 and running variance 1.
    public init(features: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true, dtype: DType = .float32) {
        super.init(name: "BatchNorm2d", ranks: [4], expectedShapes: "[batch, \(features), height, width]",
                   features: features, eps: eps, momentum: momentum, affine: affine, dtype: dtype)
    }
}

extension Variable {
    /// `(x - mean) / √(variance + ε)` over `axes`, with the mean and the biased variance
    /// (kept as size-1 axes): the normalisation of the batch, group and layer norms.
    func standardized(axes: [Int], eps: Double) -> (normalized: Variable, mean: Variable, variance: Variable) {
        let mean = self.mean(axes: axes, keepDims: true)
        let centered = self - mean
        let variance = (centered * centered).mean(axes: axes, keepDims: true)
        return (centered / (variance + eps).sqrt(), mean, variance)
    }
}
