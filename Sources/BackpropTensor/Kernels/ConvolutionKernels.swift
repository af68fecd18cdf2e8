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

    /// Offset of group `group`'s first channel of image `image` in the output tensor
    /// (`outputs: true`, `[batch, outChannels, outH, outW]`) or in the input tensor.
    package func channelOffset(image: Int, group: Int, outputs: Bool) -> Int {
        outputs ? (image * outChannels + group * groupOut) * pixels
                : (image * inChannels + group * groupIn) * height * width
    }

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

/// Convolution as matrix products (im2col), one image at a time: the patches of an image are
/// copied into the columns of a matrix `cols [patch, pixels]` (small enough to stay in the
/// core's L2 cache), so that for each group `g` of image `n`
///
///     forward:         Y[n, g]  = W_g · cols                 ([groupOut, patch] · [patch, pixels])
///     input gradient:  dcols = W_gᵀ · G[n, g], then col2im adds each column back to its pixels
///     weight gradient: dW_g += G[n, g] · colsᵀ
///
/// on the packed matrix multiply, writing straight into the NCHW tensors (an image's channels
/// are a row-major `[channels, pixels]` matrix). Images run in parallel, each thread with its own
/// `cols`. The weight gradient sums over images in a fixed order that depends on the batch size
/// only: images are dealt into `weightGradientBundles` consecutive bundles, each bundle sums its
/// images in order into its own partial gradient, and the partials are added in bundle order —
/// so the result is the same for every thread count. Scratch matrices are tensors, so a training
/// step reuses pooled memory instead of allocating.
package enum ConvolutionKernels {
    /// Bundles of the weight gradient's sum over images (see above).
    package static func weightGradientBundles(batch: Int) -> Int { Swift.min(batch, 16) }

    /// `y = conv2d(x, w)` (no bias).
    package static func forward(_ x: Tensor, _ w: Tensor, _ geo: Conv2dGeometry) -> Tensor {
        var y = Tensor(uninitializedShape: geo.outputShape, dtype: x.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            x.withPointer(T.self) { xp in w.withPointer(T.self) { wp in y.withMutablePointer(T.self) { yp in
                forEachImage(geo.batch, geo, T.self) { images, cols in
                    for n in images {
                        for group in 0..<geo.groups {
                            im2col(xp, cols, geo, image: n, group: group)
                            MatrixMultiply.gemm(transA: false, transB: false, m: geo.groupOut, n: geo.pixels, k: geo.patch,
                                                a: wp + group * geo.groupOut * geo.patch, lda: geo.patch, b: cols, ldb: geo.pixels,
                                                c: yp + geo.channelOffset(image: n, group: group, outputs: true), ldc: geo.pixels)
                        }
                    }
                }
            } } }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return y
    }

    /// `∂L/∂x` for the gradient `g` of the output: col2im(Wᵀ·G), image by image.
    package static func inputGradient(_ g: Tensor, _ w: Tensor, _ geo: Conv2dGeometry) -> Tensor {
        var dx = Tensor.zeros(geo.inputShape, dtype: g.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            g.withPointer(T.self) { gp in w.withPointer(T.self) { wp in dx.withMutablePointer(T.self) { dxp in
                forEachImage(geo.batch, geo, T.self) { images, cols in
                    for n in images {
                        for group in 0..<geo.groups {
                            MatrixMultiply.gemm(transA: true, transB: false, m: geo.patch, n: geo.pixels, k: geo.groupOut,
                                                a: wp + group * geo.groupOut * geo.patch, lda: geo.patch,
                                                b: gp + geo.channelOffset(image: n, group: group, outputs: true), ldb: geo.pixels,
                                                c: cols, ldc: geo.pixels)
                            col2im(cols, dxp, geo, image: n, group: group)
                        }
                    }
                }
            } } }
        }
        switch g.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return dx
    }

    /// `∂L/∂w` for input `x` and output gradient `g`: Σ over images of G[n]·cols(n)ᵀ, summed in
    /// bundles (see the type's documentation).
    package static func weightGradient(_ x: Tensor, _ g: Tensor, _ geo: Conv2dGeometry) -> Tensor {
        let bundles = weightGradientBundles(batch: geo.batch), size = geo.outChannels * geo.patch
        var partials = Tensor(uninitializedShape: [bundles, size], dtype: x.dtype)
        var dw = Tensor(uninitializedShape: geo.weightShape, dtype: x.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            x.withPointer(T.self) { xp in g.withPointer(T.self) { gp in partials.withMutablePointer(T.self) { pp in
                forEachImage(bundles, geo, T.self) { bundleRange, cols in
                    for bundle in bundleRange {
                        let partial = pp + bundle * size
                        for (index, n) in chunk(geo.batch, part: bundle, of: bundles).enumerated() {
                            for group in 0..<geo.groups {
                                im2col(xp, cols, geo, image: n, group: group)
                                MatrixMultiply.gemm(transA: false, transB: true, m: geo.groupOut, n: geo.patch, k: geo.pixels,
                                                    a: gp + geo.channelOffset(image: n, group: group, outputs: true), lda: geo.pixels,
                                                    b: cols, ldb: geo.pixels, beta: index == 0 ? 0 : 1,
                                                    c: partial + group * geo.groupOut * geo.patch, ldc: geo.patch)
                            }
                        }
                    }
                }
                dw.withMutablePointer(T.self) { dwp in
                    dwp.update(from: pp, count: size)
                    for bundle in 1..<bundles {
                        let partial = pp + bundle * size
                        for i in 0..<size { dwp[i] += partial[i] }
                    }
                }
            } } }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return dw
    }

    /// Calls `body(items, cols)` for contiguous ranges of `0..<count` in parallel, each call with
    /// its own scratch `cols [patch, pixels]`.
    private static func forEachImage<T: TensorScalar>(
        _ count: Int, _ geo: Conv2dGeometry, _: T.Type, _ body: (Range<Int>, UnsafeMutablePointer<T>) -> Void
    ) {
        let parts = Swift.min(count, Threading.threadCount * 4)
        let cost = geo.patch * geo.pixels * Swift.max(1, geo.groupOut) * geo.groups * (count / Swift.max(1, parts))
        parallelFor(parts, costPerItem: cost) { part in
            var cols = Tensor(uninitializedShape: [geo.patch * geo.pixels], dtype: T.dtype)
            cols.withMutablePointer(T.self) { body(chunk(count, part: part, of: parts), $0) }
        }
    }

    /// Row `(c, i, j)` of `cols`, column `oh · outW + ow` holds
    /// `x[image, group · groupIn + c, oh·sH - padTop + i·dH, ow·sW - padLeft + j·dW]` (0 outside).
    private static func im2col<T: TensorScalar>(
        _ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry, image: Int, group: Int
    ) {
        let plane = geo.height * geo.width, rowsPerChannel = geo.kernelH * geo.kernelW
        // Stride 1 with rows as wide as the input's ("same" padding): a row of cols is the input
        // plane shifted by (rowOffset, columnOffset), so it is one contiguous copy, after which
        // the few columns that wrapped around to the neighbouring input row are zeroed.
        let shifted = geo.strideH == 1 && geo.strideW == 1 && geo.outW == geo.width
        for row in 0..<geo.patch {
            let c = row / rowsPerChannel, i = (row % rowsPerChannel) / geo.kernelW, j = row % geo.kernelW
            let source = x + (image * geo.inChannels + group * geo.groupIn + c) * plane
            let out = cols + row * geo.pixels
            let rowOffset = i * geo.dilationH - geo.padTop, columnOffset = j * geo.dilationW - geo.padLeft
            if shifted && abs(columnOffset) < geo.width {
                copyShifted(source, out, geo, rowOffset: rowOffset, columnOffset: columnOffset)
                continue
            }
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
                for ow in 0..<lo { line[ow] = 0 }
                if geo.strideW == 1 {
                    for ow in lo..<hi { line[ow] = inputLine[ow] }
                } else {
                    for ow in lo..<hi { line[ow] = inputLine[ow * geo.strideW] }
                }
                for ow in hi..<geo.outW { line[ow] = 0 }
            }
        }
    }

    /// One row of `cols` for a stride-1 convolution whose output rows are as wide as the input
    /// rows: `out[oh, ow] = source[oh + rowOffset, ow + columnOffset]`, 0 outside the input.
    @inline(__always)
    private static func copyShifted<T: TensorScalar>(
        _ source: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry, rowOffset: Int, columnOffset: Int
    ) {
        let width = geo.width, block = shiftedBlock(geo, rowOffset: rowOffset, columnOffset: columnOffset)
        out.update(repeating: 0, count: block.rows.lowerBound * width)
        (out + block.rows.upperBound * width).update(repeating: 0, count: (geo.outH - block.rows.upperBound) * width)
        if block.rows.isEmpty { return }
        (out + block.output).update(from: source + block.input, count: block.count)
        // Columns whose input column falls outside the row (they read, or missed, a neighbour row).
        zeroColumns(out, geo, rows: block.rows, columnOffset: columnOffset)
    }

    /// Where the input of a shifted row of `cols` lies: output rows `rows` read the input, and
    /// `count` elements from output offset `output` pair with input offset `input` (the block of
    /// input elements from (first row + rowOffset, columnOffset) on, clipped to the plane).
    @inline(__always)
    private static func shiftedBlock(_ geo: Conv2dGeometry, rowOffset: Int, columnOffset: Int)
        -> (rows: Range<Int>, output: Int, input: Int, count: Int) {
        let width = geo.width, plane = geo.height * width
        let first = Swift.min(geo.outH, Swift.max(0, -rowOffset))
        let last = Swift.max(first, Swift.min(geo.outH, geo.height - rowOffset))
        var input = (first + rowOffset) * width + columnOffset, output = first * width
        let end = Swift.min(input + (last - first) * width, plane)
        if input < 0 { output -= input; input = 0 }
        return (first..<last, output, input, Swift.max(0, end - input))
    }

    /// Zeroes, in rows `rows` of a `[outH, width]` plane, the columns whose input column
    /// `ow + columnOffset` lies outside the row: |columnOffset| columns at one edge. Column by
    /// column down the rows, so that no call to `memset` is made for one or two elements a row.
    @inline(__always)
    private static func zeroColumns<T: TensorScalar>(
        _ plane: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry, rows: Range<Int>, columnOffset: Int
    ) {
        let width = geo.width
        let columns = columnOffset < 0 ? 0..<Swift.min(width, -columnOffset)
                                       : Swift.max(0, width - columnOffset)..<width
        for ow in columns {
            var p = plane + rows.lowerBound * width + ow
            for _ in rows { p.pointee = 0; p += width }
        }
    }

    /// The adjoint of `copyShifted`: `target[oh + rowOffset, ow + columnOffset] += source[oh, ow]`
    /// inside the input. The entries of `source` whose column falls outside the input row are set
    /// to zero first (`source` is scratch), so that the rows can be added as one contiguous run:
    /// those entries then add +0 to a neighbouring row's element, which changes nothing (the
    /// gradient starts at +0, and a sum that starts at +0 is never -0).
    @inline(__always)
    private static func addShifted<T: TensorScalar>(
        _ source: UnsafeMutablePointer<T>, _ target: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry,
        rowOffset: Int, columnOffset: Int
    ) {
        let block = shiftedBlock(geo, rowOffset: rowOffset, columnOffset: columnOffset)
        if block.rows.isEmpty { return }
        zeroColumns(source, geo, rows: block.rows, columnOffset: columnOffset)
        let from = source + block.output, to = target + block.input
        for t in 0..<block.count { to[t] += from[t] }
    }

    /// The adjoint of `im2col`: adds each entry of `cols` into the input pixel of image `image`
    /// it was copied from.
    private static func col2im<T: TensorScalar>(
        _ cols: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ geo: Conv2dGeometry, image: Int, group: Int
    ) {
        let plane = geo.height * geo.width, rowsPerChannel = geo.kernelH * geo.kernelW
        let shifted = geo.strideH == 1 && geo.strideW == 1 && geo.outW == geo.width
        for c in 0..<geo.groupIn {
            let target = dx + (image * geo.inChannels + group * geo.groupIn + c) * plane
            for k in 0..<rowsPerChannel {
                let i = k / geo.kernelW, j = k % geo.kernelW
                let source = cols + (c * rowsPerChannel + k) * geo.pixels
                let rowOffset = i * geo.dilationH - geo.padTop, columnOffset = j * geo.dilationW - geo.padLeft
                if shifted && abs(columnOffset) < geo.width {
                    addShifted(UnsafeMutablePointer(mutating: source), target, geo, rowOffset: rowOffset, columnOffset: columnOffset)
                    continue
                }
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
}
