import BackpropTensor
import BackpropAutograd
import BackpropNN
/// Per-feature standardisation `x' = (x - mean) / std`, with mean and std fitted on the training set.
///
/// Features are everything but the first (example) axis. `std` is the population standard
/// deviation (divide by N, like scikit-learn's `StandardScaler`); a constant feature gets std 1 so
/// it maps to 0 instead of dividing by zero. Fit on the training set only and apply the same
/// transform to validation and test data.
///
/// ```swift
/// let scaler = Standardizer(fitting: train.inputs)
/// let trainSet = train.mapInputs(scaler.transform)
/// let testSet = test.mapInputs(scaler.transform)
/// ```
public struct Standardizer: Sendable {
    /// The mean of each feature, shape `[1, ...features]`.
    public let mean: Tensor
    /// The standard deviation of each feature (1 where it was 0), shape `[1, ...features]`.
    public let std: Tensor

    /// Fits mean and standard deviation over the first axis of `inputs`.
    public init(fitting inputs: Tensor) {
        guard inputs.rank >= 1, inputs.shape[0] >= 1 else {
            fatalError("Standardizer: needs at least one example to fit, got inputs of shape \(inputs.shape)")
        }
        mean = inputs.mean(axes: [0], keepDims: true)
        let variance = (inputs - mean).squared().mean(axes: [0], keepDims: true)
        let sd = variance.sqrt()
        std = sd + sd.equal(Tensor.zeros(like: sd))   // 0 -> 1
    }

    /// `(x - mean) / std`.
    public func transform(_ x: Tensor) -> Tensor { (x - mean.converted(to: x.dtype)) / std.converted(to: x.dtype) }

    /// `x · std + mean`, the inverse of ``transform(_:)``.
    public func inverseTransform(_ x: Tensor) -> Tensor { x * std.converted(to: x.dtype) + mean.converted(to: x.dtype) }
}

/// Per-feature min-max scaling `x' = low + (x - min) / (max - min) · (high - low)`, fitted on the
/// training set (like scikit-learn's `MinMaxScaler`); a constant feature maps to `low`.
public struct MinMaxScaler: Sendable {
    /// The smallest value of each feature, shape `[1, ...features]`.
    public let minimum: Tensor
    /// `max - min` of each feature (1 where it was 0), shape `[1, ...features]`.
    public let range: Tensor
    /// The interval the training data is mapped to.
    public let target: ClosedRange<Double>

    /// Fits the per-feature minimum and maximum over the first axis of `inputs`.
    public init(fitting inputs: Tensor, to target: ClosedRange<Double> = 0...1) {
        guard inputs.rank >= 1, inputs.shape[0] >= 1 else {
            fatalError("MinMaxScaler: needs at least one example to fit, got inputs of shape \(inputs.shape)")
        }
        minimum = inputs.min(axes: [0], keepDims: true)
        let width = inputs.max(axes: [0], keepDims: true) - minimum
        range = width + width.equal(Tensor.zeros(like: width))
        self.target = target
    }

    /// `low + (x - min) / (max - min) · (high - low)`.
    public func transform(_ x: Tensor) -> Tensor {
        (x - minimum.converted(to: x.dtype)) / range.converted(to: x.dtype) * (target.upperBound - target.lowerBound) + target.lowerBound
    }

    /// The inverse of ``transform(_:)``.
    public func inverseTransform(_ x: Tensor) -> Tensor {
        (x - target.lowerBound) / (target.upperBound - target.lowerBound) * range.converted(to: x.dtype) + minimum.converted(to: x.dtype)
    }
}
