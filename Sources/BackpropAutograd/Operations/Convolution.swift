import BackpropTensor

// 2-D convolution. `y = conv2d(x, w)` is linear in `x` and in `w`, so its derivatives are two
// more linear maps of the same pair (the adjoints), and the derivatives of those are the three
// maps again: three operations, each differentiable as often as one likes.

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
        let geo = Conv2dGeometry(input: shape, weight: weight.shape, stride: stride, padding: padding, dilation: dilation, groups: groups)
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
}
