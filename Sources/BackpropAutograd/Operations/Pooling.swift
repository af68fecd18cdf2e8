import BackpropTensor

// 2-D pooling over the last two axes of `[N, C, H, W]` (or `[C, H, W]`) inputs. Both poolings
// are linear once the windows (and, for max-pooling, the chosen elements) are fixed, so each is
// a pair of operations, a map and its adjoint, each the other's derivative.

extension Variable {
    /// The maximum of each `kernelSize` window, moved by `stride` (default: the kernel size),
    /// over the input padded with `padding` elements of −∞ (at most half the kernel), as
    /// PyTorch's `F.max_pool2d`; `ceilMode` keeps a last partial window.
    ///
    /// `∂y/∂x = 1` for the element each window chose, 0 elsewhere: the first maximal element in
    /// row-major order (PyTorch's tie rule), or the first NaN, which then propagates.
    public func maxPool2d(kernelSize: Size2d, stride: Size2d? = nil, padding: Size2d = 0, ceilMode: Bool = false) -> Variable {
        let windows = poolWindows("maxPool2d", kernelSize, stride ?? kernelSize, padding, ceilMode, countPadding: false)
        return Variable.gatherMaxima(self, PoolingKernels.argmax(value, windows), windows)
    }

    /// The mean of each `kernelSize` window, moved by `stride` (default: the kernel size), over
    /// the input zero-padded by `padding`, as PyTorch's `F.avg_pool2d`; the padding counts in
    /// the divisor when `countIncludePad` (PyTorch's default). `∂y/∂x = 1/divisor` for each
    /// element of the window.
    public func avgPool2d(kernelSize: Size2d, stride: Size2d? = nil, padding: Size2d = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true) -> Variable {
        Variable.averagePool(self, poolWindows("avgPool2d", kernelSize, stride ?? kernelSize, padding, ceilMode,
                                               countPadding: countIncludePad))
    }

    /// The mean over `outputSize` windows that tile the input as PyTorch's
    /// `F.adaptive_avg_pool2d`: output row `i` of `n` averages input rows `⌊iH/n⌋ ..< ⌈(i+1)H/n⌉`.
    /// `outputSize: 1` is global average pooling.
    public func adaptiveAvgPool2d(outputSize: Size2d) -> Variable {
        let (height, width) = poolPlane("adaptiveAvgPool2d")
        guard outputSize.height > 0, outputSize.width > 0 else {
            fatalError("adaptiveAvgPool2d: output size \(outputSize) must be positive")
        }
        return Variable.averagePool(self, PoolWindows(
            height: height, width: width,
            rows: PoolWindows.adaptiveAxis(length: height, output: outputSize.height),
            columns: PoolWindows.adaptiveAxis(length: width, output: outputSize.width)))
    }

    /// The window means of `x`; derivative: the adjoint, each mean's gradient shared out.
    static func averagePool(_ x: Variable, _ windows: PoolWindows) -> Variable {
        record("avgPool2d", PoolingKernels.average(x.value, windows, adjoint: false), inputs: [x],
               derivative: "d mean/dx = 1/divisor for each element of the window") { g, _ in [averagePoolAdjoint(g, windows)] }
    }

    /// Each window's value divided by its divisor and added to the window's elements (the
    /// gradient of ``averagePool``); linear, derivative ``averagePool``.
    static func averagePoolAdjoint(_ g: Variable, _ windows: PoolWindows) -> Variable {
        record("avgPool2d adjoint", PoolingKernels.average(g.value, windows, adjoint: true), inputs: [g],
               derivative: "linear: its derivative is the window mean") { h, _ in [averagePool(h, windows)] }
    }

    /// `y[p, o] = x[p, indices[p, o]]` for each plane `p`; derivative: scatter back.
    static func gatherMaxima(_ x: Variable, _ indices: PoolIndices, _ windows: PoolWindows) -> Variable {
        let plane = windows.height * windows.width, pooled = windows.outH * windows.outW
        let outputShape = Array(x.shape.dropLast(2)) + [windows.outH, windows.outW]
        return record("maxPool2d", PoolingKernels.move(x.value, indices, outputShape: outputShape, inputPlane: plane,
                                                       outputPlane: pooled, scatter: false),
                      inputs: [x], derivative: "d max/dx = 1 at the chosen element of the window, else 0") { g, _ in
            [scatterMaxima(g, indices, windows, inputShape: x.shape)]
        }
    }

    /// Zeros with `g[p, o]` added at `indices[p, o]` (the gradient of ``gatherMaxima``);
    /// derivative: gather.
    static func scatterMaxima(_ g: Variable, _ indices: PoolIndices, _ windows: PoolWindows, inputShape: [Int]) -> Variable {
        let plane = windows.height * windows.width, pooled = windows.outH * windows.outW
        return record("maxPool2d scatter", PoolingKernels.move(g.value, indices, outputShape: inputShape, inputPlane: plane,
                                                               outputPlane: pooled, scatter: true),
                      inputs: [g], derivative: "linear: its derivative gathers the chosen elements") { h, _ in
            [gatherMaxima(h, indices, windows)]
        }
    }

    /// The sliding windows of a pooling, with the input checked.
    private func poolWindows(_ operation: String, _ kernel: Size2d, _ stride: Size2d, _ padding: Size2d, _ ceilMode: Bool,
                             countPadding: Bool) -> PoolWindows {
        let (height, width) = poolPlane(operation)
        return PoolWindows(
            height: height, width: width,
            rows: PoolWindows.slidingAxis(length: height, kernel: kernel.height, stride: stride.height, padding: padding.height,
                                          ceilMode: ceilMode, countPadding: countPadding, operation: operation),
            columns: PoolWindows.slidingAxis(length: width, kernel: kernel.width, stride: stride.width, padding: padding.width,
                                             ceilMode: ceilMode, countPadding: countPadding, operation: operation))
    }

    /// The height and width of an `[N, C, H, W]` or `[C, H, W]` input.
    private func poolPlane(_ operation: String) -> (Int, Int) {
        guard rank == 3 || rank == 4, shape[rank - 1] > 0, shape[rank - 2] > 0 else {
            fatalError("\(operation): expected an input of shape [batch, channels, height, width] or [channels, height, width], got \(shape)")
        }
        return (shape[rank - 2], shape[rank - 1])
    }
}
