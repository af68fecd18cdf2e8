import BackpropTensor
import BackpropAutograd

/// Group normalisation (Wu & He, 2018; PyTorch's `nn.GroupNorm`): the channels of each sample
/// are split into `groups` groups, and each group is normalised over its channels and all
/// positions, `y = (x - μ) / √(σ² + ε) · γ + β` with the group's mean and biased variance.
/// `γ` and `β` are per channel. Unlike BatchNorm it keeps no running statistics and behaves
/// the same in training and evaluation.
/// ```swift
/// let norm = GroupNorm(groups: 4, channels: 16)
/// let y = norm(x)              // x: [batch, 16, ...]
/// ```
public final class GroupNorm: Module {
    /// The number of groups the channels are split into.
    public let groups: Int
    /// The number of channels (axis 1 of the input).
    public let channels: Int
    /// Added to the variance before the square root.
    public let eps: Double
    /// `γ`, shape `[channels]`, or `nil` without affine parameters.
    public var weight: Variable?
    /// `β`, shape `[channels]`, or `nil` without affine parameters.
    public var bias: Variable?

    /// Creates the layer with `γ = 1` and `β = 0` (PyTorch's defaults, `ε = 1e-5`).
    public init(groups: Int, channels: Int, eps: Double = 1e-5, affine: Bool = true, dtype: DType = .float32) {
        guard groups > 0, channels > 0, channels % groups == 0 else {
            fatalError("GroupNorm: channels \(channels) must be a positive multiple of groups \(groups)")
        }
        self.groups = groups
        self.channels = channels
        self.eps = eps
        weight = affine ? Variable(Tensor.ones([channels], dtype: dtype), requiresGrad: true, label: "weight") : nil
        bias = affine ? Variable(Tensor.zeros([channels], dtype: dtype), requiresGrad: true, label: "bias") : nil
    }

    /// Normalises an input of shape `[batch, channels, ...]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        guard input.rank >= 2, input.shape[1] == channels else {
            fatalError("GroupNorm: expected an input of shape [batch, \(channels), ...], got \(input.shape)")
        }
        let grouped = input.reshaped([input.shape[0], groups, -1])
        let normalized = grouped.standardized(axes: [2], eps: eps).normalized.reshaped(input.shape)
        guard let weight, let bias else { return normalized }
        let channelShape = [1, channels] + Array(repeating: 1, count: input.rank - 2)
        return normalized * weight.reshaped(channelShape) + bias.reshaped(channelShape)
    }
}

extension GroupNorm {
    /// `GroupNorm(groups, channels)`.
    public var description: String { "GroupNorm(\(groups), \(channels))" }
}
