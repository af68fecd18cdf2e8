/// The sizes of one 2-D convolution (NCHW): input `[batch, inChannels, height, width]`, weight
/// `[outChannels, inChannels / groups, kernelH, kernelW]`, output `[batch, outChannels, outH, outW]`.
///
/// Output pixel `(oh, ow)` reads input rows `oh·strideH - padTop + i·dilationH` and columns
/// `ow·strideW - padLeft + j·dilationW` (cross-correlation, as PyTorch); outside the input the
/// value is zero.
package struct Conv2dGeometry: Equatable {
    package var batch: Int, inChannels: Int, height: Int, width: Int
    package var outChannels: Int, kernelH: Int, kernelW: Int
    package var strideH: Int, strideW: Int
    package var padTop: Int, padLeft: Int
    package var dilationH: Int, dilationW: Int
    package var groups: Int
    package var outH: Int, outW: Int

    package var inputShape: [Int] { [batch, inChannels, height, width] }
    package var weightShape: [Int] { [outChannels, inChannels / groups, kernelH, kernelW] }
    package var outputShape: [Int] { [batch, outChannels, outH, outW] }
    /// Input channels and output channels of one group.
    package var groupIn: Int { inChannels / groups }
    package var groupOut: Int { outChannels / groups }
    /// Rows of the patch matrix: one per (channel of the group, kernel row, kernel column).
    package var patch: Int { groupIn * kernelH * kernelW }
    /// Output pixels of one image.
    package var pixels: Int { outH * outW }

    /// Images per im2col chunk: the patch matrix `[patch, images · pixels]` stays under 2^20
    /// elements, so its memory comes from the tensor pool and the chunking (hence the summation
    /// order of the weight gradient) depends on the shapes only, never on the thread count.
    package var imagesPerChunk: Int { Swift.max(1, Swift.min(batch, (1 << 20) / Swift.max(1, patch * pixels))) }

    /// The output columns `lo..<hi` whose input column `ow · strideW + columnOffset` lies inside
    /// the input row (the others read padding).
    package func validColumns(_ columnOffset: Int) -> (lo: Int, hi: Int) {
        // ow · strideW + columnOffset >= 0  and  < width
        let lo = columnOffset >= 0 ? 0 : (-columnOffset + strideW - 1) / strideW
        let hi = width - columnOffset <= 0 ? 0 : Swift.min(outW, (width - columnOffset + strideW - 1) / strideW)
        return (Swift.min(lo, outW), Swift.max(Swift.min(lo, outW), hi))
    }

    /// Checks the shapes and settings of a convolution of an `input` with a `weight` and works
    /// out its geometry; stops with a message naming the problem.
    package init(input: [Int], weight: [Int], stride: Size2d, padding: Conv2dPadding, dilation: Size2d, groups: Int) {
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
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (outChannels, kernelH, kernelW, self.groups) = (weight[0], weight[2], weight[3], groups)
        (strideH, strideW, dilationH, dilationW) = (stride.height, stride.width, dilation.height, dilation.width)
        (padTop, padLeft, self.outH, self.outW) = (top, left, outH, outW)
    }
}

/// Convolution as matrix products (im2col): the patches of a chunk of images are copied into
/// the columns of a matrix `cols [patch, images · pixels]`, so that for each group
///
///     forward:         Y_g  = W_g · cols                 ([groupOut, patch] · [patch, n])
///     input gradient:  dcols = W_gᵀ · G_g, then col2im adds each column back to its pixels
///     weight gradient: dW_g += G_g · colsᵀ              (summed over the chunks in order)
///
/// on the packed, multi-threaded matrix multiply. Scratch matrices are tensors, so a training
/// step reuses pooled memory instead of allocating.
package enum ConvolutionKernels {
    /// `y = conv2d(x, w)` (no bias).
    package static func forward(_ x: Tensor, _ w: Tensor, _ geo: Conv2dGeometry) -> Tensor {
        var y = Tensor(uninitializedShape: geo.outputShape, dtype: x.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            x.withPointer(T.self) { xp in w.withPointer(T.self) { wp in y.withMutablePointer(T.self) { yp in
                forEachChunk(geo, T.self) { first, images, group, cols, scratch in
                    im2col(xp, cols, geo, first: first, images: images, group: group)
                    let n = images * geo.pixels
                    MatrixMultiply.gemm(transA: false, transB: false, m: geo.groupOut, n: n, k: geo.patch,
                                        a: wp + group * geo.groupOut * geo.patch, lda: geo.patch, b: cols, ldb: n,
                                        c: scratch, ldc: n)
                    moveChannels(scratch, yp, geo, first: first, images: images, group: group, intoImages: true)
                }
            } } }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return y
    }

    /// `∂L/∂x` for the gradient `g` of the output: col2im(Wᵀ·G).
    package static func inputGradient(_ g: Tensor, _ w: Tensor, _ geo: Conv2dGeometry) -> Tensor {
        var dx = Tensor.zeros(geo.inputShape, dtype: g.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            g.withPointer(T.self) { gp in w.withPointer(T.self) { wp in dx.withMutablePointer(T.self) { dxp in
                forEachChunk(geo, T.self) { first, images, group, cols, scratch in
                    moveChannels(scratch, UnsafeMutablePointer(mutating: gp), geo, first: first, images: images,
                                 group: group, intoImages: false)
                    let n = images * geo.pixels
                    MatrixMultiply.gemm(transA: true, transB: false, m: geo.patch, n: n, k: geo.groupOut,
                                        a: wp + group * geo.groupOut * geo.patch, lda: geo.patch, b: scratch, ldb: n,
                                        c: cols, ldc: n)
                    col2im(cols, dxp, geo, first: first, images: images, group: group)
                }
            } } }
        }
        switch g.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return dx
    }

    /// `∂L/∂w` for input `x` and output gradient `g`: Σ over chunks of G·colsᵀ.
    package static func weightGradient(_ x: Tensor, _ g: Tensor, _ geo: Conv2dGeometry) -> Tensor {
        var dw = Tensor.zeros(geo.weightShape, dtype: x.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            x.withPointer(T.self) { xp in g.withPointer(T.self) { gp in dw.withMutablePointer(T.self) { dwp in
                forEachChunk(geo, T.self) { first, images, group, cols, scratch in
                    im2col(xp, cols, geo, first: first, images: images, group: group)
                    moveChannels(scratch, UnsafeMutablePointer(mutating: gp), geo, first: first, images: images,
                                 group: group, intoImages: false)
                    let n = images * geo.pixels
                    MatrixMultiply.gemm(transA: false, transB: true, m: geo.groupOut, n: geo.patch, k: n,
                                        a: scratch, lda: n, b: cols, ldb: n, beta: first == 0 ? 0 : 1,
                                        c: dwp + group * geo.groupOut * geo.patch, ldc: geo.patch)
                }
            } } }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return dw
    }

    /// Calls `body(firstImage, images, group, cols, scratch)` for each chunk of images and each
    /// group, with scratch matrices `cols [patch, images · pixels]` and `[groupOut, images · pixels]`.
    private static func forEachChunk<T: TensorScalar>(
        _ geo: Conv2dGeometry, _: T.Type,
        _ body: (Int, Int, Int, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void
    ) {
        let chunk = geo.imagesPerChunk
        var cols = Tensor(uninitializedShape: [geo.patch * chunk * geo.pixels], dtype: T.dtype)
        var scratch = Tensor(uninitializedShape: [geo.groupOut * chunk * geo.pixels], dtype: T.dtype)
        cols.withMutablePointer(T.self) { cp in scratch.withMutablePointer(T.self) { sp in
            for first in stride(from: 0, to: geo.batch, by: chunk) {
                for group in 0..<geo.groups { body(first, Swift.min(chunk, geo.batch - first), group, cp, sp) }
            }
        } }
    }

    /// Row `(c, i, j)` of `cols`, column `image · pixels + oh · outW + ow` holds
    /// `x[first + image, group · groupIn + c, oh·sH - padTop + i·dH, ow·sW - padLeft + j·dW]` (0 outside).
    private static func im2col<T: TensorScalar>(
        _ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry, first: Int, images: Int, group: Int
    ) {
        let n = images * geo.pixels, plane = geo.height * geo.width
        let rows = geo.patch, rowsPerChannel = geo.kernelH * geo.kernelW
        parallelFor(rows * images, costPerItem: geo.pixels) { item in
            let row = item / images, image = item % images
            let c = row / rowsPerChannel, i = (row % rowsPerChannel) / geo.kernelW, j = row % geo.kernelW
            let source = x + ((first + image) * geo.inChannels + group * geo.groupIn + c) * plane
            let out = cols + row * n + image * geo.pixels
            let rowOffset = i * geo.dilationH - geo.padTop, columnOffset = j * geo.dilationW - geo.padLeft
            let (lo, hi) = geo.validColumns(columnOffset)
            for oh in 0..<geo.outH {
                let ih = oh * geo.strideH + rowOffset
                let line = out + oh * geo.outW
                guard ih >= 0 && ih < geo.height && lo < hi else {
                    line.update(repeating: 0, count: geo.outW)
                    continue
                }
                // Columns lo..<hi read inside the input row; the rest are padding.
                let inputLine = source + ih * geo.width + columnOffset
                line.update(repeating: 0, count: lo)
                if geo.strideW == 1 {
                    (line + lo).update(from: inputLine + lo, count: hi - lo)
                } else {
                    for ow in lo..<hi { line[ow] = inputLine[ow * geo.strideW] }
                }
                (line + hi).update(repeating: 0, count: geo.outW - hi)
            }
        }
    }

    /// The adjoint of `im2col`: adds each entry of `cols` into the input pixel it was copied
    /// from. One task per (image, channel), so no two tasks write the same element.
    private static func col2im<T: TensorScalar>(
        _ cols: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry, first: Int, images: Int, group: Int
    ) {
        let n = images * geo.pixels, plane = geo.height * geo.width
        let rowsPerChannel = geo.kernelH * geo.kernelW
        parallelFor(geo.groupIn * images, costPerItem: rowsPerChannel * geo.pixels) { item in
            let c = item / images, image = item % images
            let target = dx + ((first + image) * geo.inChannels + group * geo.groupIn + c) * plane
            for k in 0..<rowsPerChannel {
                let i = k / geo.kernelW, j = k % geo.kernelW
                let source = cols + (c * rowsPerChannel + k) * n + image * geo.pixels
                let rowOffset = i * geo.dilationH - geo.padTop, columnOffset = j * geo.dilationW - geo.padLeft
                let (lo, hi) = geo.validColumns(columnOffset)
                for oh in 0..<geo.outH where lo < hi {
                    let ih = oh * geo.strideH + rowOffset
                    guard ih >= 0 && ih < geo.height else { continue }
                    let line = source + oh * geo.outW, inputLine = target + ih * geo.width + columnOffset
                    if geo.strideW == 1 {
                        for ow in lo..<hi { inputLine[ow] += line[ow] }
                    } else {
                        for ow in lo..<hi { inputLine[ow * geo.strideW] += line[ow] }
                    }
                }
            }
        }
    }

    /// Copies between the channel-major scratch `[groupOut, images · pixels]` and the group's
    /// channels of an NCHW tensor `[batch, outChannels, pixels]`, in either direction.
    private static func moveChannels<T: TensorScalar>(
        _ scratch: UnsafeMutablePointer<T>, _ tensor: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry,
        first: Int, images: Int, group: Int, intoImages: Bool
    ) {
        let n = images * geo.pixels, pixels = geo.pixels
        parallelFor(geo.groupOut * images, costPerItem: pixels) { item in
            let o = item / images, image = item % images
            let planeStart = tensor + ((first + image) * geo.outChannels + group * geo.groupOut + o) * pixels
            let scratchStart = scratch + o * n + image * pixels
            if intoImages {
                planeStart.update(from: scratchStart, count: pixels)
            } else {
                scratchStart.update(from: planeStart, count: pixels)
            }
        }
    }
}
