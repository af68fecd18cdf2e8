import BackpropTensor
import BackpropAutograd

// Pooling as layers, so they can sit in a `Sequential`. Each forwards to the `Variable`
// operation of the same name (see Operations/Pooling.swift for the rules and derivatives).

/// The maximum of each window (PyTorch's `nn.MaxPool2d`); the stride defaults to the kernel size.
public final class MaxPool2d: Module {
    /// The window size, the step between windows, and the −∞ padding.
    public let kernelSize: Size2d, stride: Size2d, padding: Size2d
    /// Whether a last partial window is kept.
    public let ceilMode: Bool
    /// Creates the layer (it has no parameters).
    public init(kernelSize: Size2d, stride: Size2d? = nil, padding: Size2d = 0, ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.ceilMode) = (kernelSize, stride ?? kernelSize, padding, ceilMode)
    }
    /// The pooled input.
    public func callAsFunction(_ input: Variable) -> Variable {
        input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode)
    }
}

/// The mean of each window (PyTorch's `nn.AvgPool2d`); the stride defaults to the kernel size.
public final class AvgPool2d: Module {
    /// The window size, the step between windows, and the zero padding.
    public let kernelSize: Size2d, stride: Size2d, padding: Size2d
    /// Whether a last partial window is kept, and whether padding counts in the divisor.
    public let ceilMode: Bool, countIncludePad: Bool
    /// Creates the layer (it has no parameters).
    public init(kernelSize: Size2d, stride: Size2d? = nil, padding: Size2d = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        (self.ceilMode, self.countIncludePad) = (ceilMode, countIncludePad)
    }
    /// The pooled input.
    public func callAsFunction(_ input: Variable) -> Variable {
        input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                        countIncludePad: countIncludePad)
    }
}

/// The mean over a fixed grid of windows whatever the input size (PyTorch's
/// `nn.AdaptiveAvgPool2d`); `outputSize: 1` is global average pooling.
public final class AdaptiveAvgPool2d: Module {
    /// The output's height and width.
    public let outputSize: Size2d
    /// Creates the layer (it has no parameters).
    public init(outputSize: Size2d) { self.outputSize = outputSize }
    /// The pooled input.
    public func callAsFunction(_ input: Variable) -> Variable { input.adaptiveAvgPool2d(outputSize: outputSize) }
}
