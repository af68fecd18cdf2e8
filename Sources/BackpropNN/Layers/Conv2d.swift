import BackpropTensor
import BackpropAutograd

/// A 2-D convolution layer (PyTorch's `nn.Conv2d`): `y = conv2d(x, weight) + bias` for NCHW
/// input, see ``Variable/conv2d(_:bias:stride:padding:dilation:groups:)``.
///
/// `weight` has shape `[outChannels, inChannels / groups, kernelH, kernelW]`, `bias`
/// `[outChannels]`; both start from PyTorch's default law `U(±1/√fanIn)` with
/// `fanIn = inChannels / groups · kernelH · kernelW`, drawn weight first (row-major), then bias.
/// `groups: inChannels` with `outChannels` a multiple of it is a depthwise convolution.
/// ```swift
/// var generator = SplitMix64(seed: 71)
/// let conv = Conv2d(inChannels: 1, outChannels: 16, kernelSize: 5, padding: 2, generator: &generator)
/// let y = conv(x)          // [64, 1, 28, 28] → [64, 16, 28, 28]
/// ```
public final class Conv2d: Module {
    /// `[outChannels, inChannels / groups, kernelH, kernelW]`.
    public var weight: Variable
    /// `[outChannels]`, or `nil` for a layer without bias.
    public var bias: Variable?
    /// Channels of the input and of the output.
    public let inChannels: Int, outChannels: Int
    /// The kernel's height and width.
    public let kernelSize: Size2d
    /// The step between output positions, and the spacing of the kernel's taps.
    public let stride: Size2d, dilation: Size2d
    /// The zero padding of the input.
    public let padding: Conv2dPadding
    /// The number of channel groups convolved separately.
    public let groups: Int

    /// Creates the layer with PyTorch's default initialisation drawn from `generator`.
    public init(inChannels: Int, outChannels: Int, kernelSize: Size2d, stride: Size2d = 1, padding: Conv2dPadding = 0,
                dilation: Size2d = 1, groups: Int = 1, bias: Bool = true, dtype: DType = .float32,
                generator: inout SplitMix64) {
        guard inChannels > 0, outChannels > 0, kernelSize.height > 0, kernelSize.width > 0 else {
            fatalError("Conv2d: channels and kernel size must be positive, got \(inChannels) → \(outChannels), kernel \(kernelSize)")
        }
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            fatalError("Conv2d: groups \(groups) must divide inChannels \(inChannels) and outChannels \(outChannels)")
        }
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        let fanIn = inChannels / groups * kernelSize.height * kernelSize.width
        let shape = [outChannels, inChannels / groups, kernelSize.height, kernelSize.width]
        weight = Variable(Initializers.pytorchLinearDefault(shape, fanIn: fanIn, dtype: dtype, generator: &generator),
                          requiresGrad: true, label: "weight")
        self.bias = bias
            ? Variable(Initializers.pytorchLinearDefault([outChannels], fanIn: fanIn, dtype: dtype, generator: &generator),
                       requiresGrad: true, label: "bias")
            : nil
    }

    /// The convolution of an input of shape `[batch, inChannels, height, width]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        input.conv2d(weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

extension Conv2d {
    /// `Conv2d(in → out, kernel (h, w))` with the settings that differ from the defaults.
    public var description: String {
        "Conv2d(\(inChannels) → \(outChannels), kernel \(kernelSize)\(stride == 1 ? "" : ", stride \(stride)")\(groups == 1 ? "" : ", groups \(groups)")\(bias == nil ? ", no bias" : ""))"
    }
}
