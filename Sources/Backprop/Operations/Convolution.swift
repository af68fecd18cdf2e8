// 2-D convolution. `y = conv2d(x, w)` is linear in `x` and in `w`, so its derivatives are two
// more linear maps of the same pair (the adjoints), and the derivatives of those are the three
// maps again: three operations, each differentiable as often as one likes.

/// A size per spatial axis, `(height, width)`; an integer literal means the same for both.
/// ```swift
/// let square: Size2d = 3          // 3 × 3
/// let wide: Size2d = [1, 5]       // 1 × 5
/// ```
public struct Size2d: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Along the height axis.
    public var height: Int
    /// Along the width axis.
    public var width: Int
    /// A size of `height` × `width`.
    public init(_ height: Int, _ width: Int) { self.height = height; self.width = width }
    /// The same size on both axes.
    public init(integerLiteral value: Int) { self.init(value, value) }
    /// `[height, width]`.
    public init(arrayLiteral elements: Int...) {
        guard elements.count == 2 else { fatalError("Size2d: expected [height, width], got \(elements)") }
        self.init(elements[0], elements[1])
    }
    /// `(height, width)`.
    public var description: String { "(\(height), \(width))" }
}

/// The zero padding of a convolution, as PyTorch's `padding` argument: a number or a pair
/// (`padding: 2`, `padding: [1, 2]`), `.valid` (none) or `.same` (stride 1 only; the output has
/// the input's size, an odd total padding putting the extra row or column at the bottom/right).
public enum Conv2dPadding: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// This many zeros on both sides of each axis.
    case explicit(Size2d)
    /// No padding.
    case valid
    /// Enough padding to keep the input size (stride 1).
    case same
    /// The same padding on both axes.
    public init(integerLiteral value: Int) { self = .explicit(Size2d(value, value)) }
    /// `[height, width]` padding.
    public init(arrayLiteral elements: Int...) {
        guard elements.count == 2 else { fatalError("Conv2dPadding: expected [height, width], got \(elements)") }
        self = .explicit(Size2d(elements[0], elements[1]))
    }
}

extension Variable {
    /// 2-D cross-correlation of an NCHW input `[N, C, H, W]` with `weight [O, C / groups, kH, kW]`
    /// plus an optional `bias [O]`, as PyTorch's `F.conv2d`:
    /// `y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · x[n, g·C/groups + c, i·s + p·d - pad, j·s + q·d - pad]`,
    /// `g` the group of output channel `o`. Derivatives (`G` the output gradient):
    /// `∂L/∂x` correlates `G` back through `w` (the adjoint), `∂L/∂w[o, c, p, q] = Σ G[n, o, i, j] · x[...]`,
    /// `∂L/∂b[o] = Σ G[n, o, i, j]`.
    /// ```swift
    /// let y = x.conv2d(weight, bias: bias, padding: 2)   // [64, 1, 28, 28] ⋆ [16, 1, 5, 5] → [64, 16, 28, 28]
    /// ```
    public func conv2d(_ weight: Variable, bias: Variable? = nil, stride: Size2d = 1, padding: Conv2dPadding = 0,
                       dilation: Size2d = 1, groups: Int = 1) -> Variable {
        let geo = Variable.convolutionGeometry(shape, weight.shape, stride: stride, padding: padding, dilation: dilation, groups: groups)
        guard dtype == weight.dtype else {
            fatalError("conv2d: input of element type \(dtype) but weight of \(weight.dtype)")
        }
        let y = Variable.convolution(self, weight, geo)
        guard let bias else { return y }
        guard bias.shape == [geo.outChannels] else {
            fatalError("conv2d: bias of shape \(bias.shape) but the weight has \(geo.outChannels) output channels (expected [\(geo.outChannels)])")
        }
        return y + bias.reshaped([1, geo.outChannels, 1, 1])
    }

    /// `y = x ⋆ w`, recorded.
    static func convolution(_ x: Variable, _ w: Variable, _ geo: Conv2dGeometry) -> Variable {
        record("conv2d", ConvolutionKernels.forward(x.value, w.value, geo), inputs: [x, w],
               derivative: "y = x ⋆ w: ∂L/∂x = col2im(Wᵀ·G), ∂L/∂w = G·colsᵀ") { g, _ in
            [x.requiresGrad ? convolutionInputGradient(g, w, geo) : nil,
             w.requiresGrad ? convolutionWeightGradient(x, g, geo) : nil]
        }
    }

    /// `∂L/∂x` of a convolution as a function of `(g, w)`: the adjoint `Aᵀ(g, w)` with
    /// `⟨h, Aᵀ(g, w)⟩ = ⟨conv(h, w), g⟩ = ⟨Wᵀ(h, g), w⟩`, so its derivatives are `conv(h, w)` and `Wᵀ(h, g)`.
    static func convolutionInputGradient(_ g: Variable, _ w: Variable, _ geo: Conv2dGeometry) -> Variable {
        record("conv2d input gradient", ConvolutionKernels.inputGradient(g.value, w.value, geo), inputs: [g, w],
               derivative: "linear in g and w: d/dg = conv(h, w), d/dw = weight gradient of (h, g)") { h, _ in
            [g.requiresGrad ? convolution(h, w, geo) : nil,
             w.requiresGrad ? convolutionWeightGradient(h, g, geo) : nil]
        }
    }

    /// `∂L/∂w` of a convolution as a function of `(x, g)`: `Wᵀ(x, g)` with
    /// `⟨h, Wᵀ(x, g)⟩ = ⟨conv(x, h), g⟩ = ⟨Aᵀ(g, h), x⟩`, so its derivatives are `Aᵀ(g, h)` and `conv(x, h)`.
    static func convolutionWeightGradient(_ x: Variable, _ g: Variable, _ geo: Conv2dGeometry) -> Variable {
        record("conv2d weight gradient", ConvolutionKernels.weightGradient(x.value, g.value, geo), inputs: [x, g],
               derivative: "linear in x and g: d/dx = input gradient of (g, h), d/dg = conv(x, h)") { h, _ in
            [x.requiresGrad ? convolutionInputGradient(g, h, geo) : nil,
             g.requiresGrad ? convolution(x, h, geo) : nil]
        }
    }

    /// Checks the shapes and settings of a convolution and works out its geometry.
    static func convolutionGeometry(_ input: [Int], _ weight: [Int], stride: Size2d, padding: Conv2dPadding,
                                    dilation: Size2d, groups: Int) -> Conv2dGeometry {
        guard input.count == 4 else {
            fatalError("conv2d: expected an input of shape [batch, channels, height, width], got \(input)")
        }
        guard weight.count == 4 else {
            fatalError("conv2d: expected a weight of shape [outChannels, inChannels / groups, kernelH, kernelW], got \(weight)")
        }
        guard groups >= 1, input[1] % groups == 0, weight[0] % groups == 0 else {
            fatalError("conv2d: groups \(groups) must divide the input channels \(input[1]) and the output channels \(weight[0])")
        }
        guard weight[1] * groups == input[1] else {
            fatalError("conv2d: input of shape \(input) has \(input[1]) channels, but the weight \(weight) with groups \(groups) expects \(weight[1] * groups)")
        }
        guard stride.height > 0, stride.width > 0, dilation.height > 0, dilation.width > 0, weight[2] > 0, weight[3] > 0 else {
            fatalError("conv2d: stride \(stride), dilation \(dilation) and kernel size \(Size2d(weight[2], weight[3])) must be positive")
        }
        let spanH = dilation.height * (weight[2] - 1), spanW = dilation.width * (weight[3] - 1)
        var top = 0, left = 0, bottom = 0, right = 0
        switch padding {
        case .explicit(let p):
            guard p.height >= 0, p.width >= 0 else { fatalError("conv2d: padding \(p) must not be negative") }
            (top, bottom, left, right) = (p.height, p.height, p.width, p.width)
        case .valid: break
        case .same:
            guard stride == 1 else { fatalError("conv2d: padding .same needs stride 1, got stride \(stride)") }
            (top, left) = (spanH / 2, spanW / 2)
            (bottom, right) = (spanH - top, spanW - left)
        }
        let outH = (input[2] + top + bottom - spanH - 1) / stride.height + 1
        let outW = (input[3] + left + right - spanW - 1) / stride.width + 1
        guard input[2] + top + bottom > spanH, input[3] + left + right > spanW else {
            fatalError("conv2d: the kernel \(Size2d(weight[2], weight[3])) with dilation \(dilation) spans more than the padded input \(Size2d(input[2] + top + bottom, input[3] + left + right))")
        }
        return Conv2dGeometry(batch: input[0], inChannels: input[1], height: input[2], width: input[3],
                              outChannels: weight[0], kernelH: weight[2], kernelW: weight[3],
                              strideH: stride.height, strideW: stride.width, padTop: top, padLeft: left,
                              dilationH: dilation.height, dilationW: dilation.width, groups: groups, outH: outH, outW: outW)
    }
}
