import BackpropTensor
import BackpropAutograd
import BackpropNN

// The ONNX form of the image layers: convolution and pooling over `[batch, channels, height,
// width]` inputs. The exporter knows every size but the batch, so each layer works out its
// windows as Backprop does and writes them as explicit pads: the graph never relies on an ONNX
// `auto_pad` or `ceil_mode` rule whose corner cases might differ from PyTorch's.

extension Conv2d: ONNXExportable {
    /// `Conv` with explicit `pads` (`.same` becomes the padding PyTorch picks, the odd one at the
    /// bottom/right), `strides`, `dilations` and `group`; the bias is `Conv`'s third input.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let layer = graph.layerPath + " (Conv2d)"
        let (channels, height, width) = try imagePlane(input, layer: layer, expected: "[batch, \(inChannels), height, width]")
        guard channels == inChannels else {
            throw ONNXExportError(layer: layer, "expects inputs [batch, \(inChannels), height, width], got \(describe(input.shape))")
        }
        let spanH = dilation.height * (kernelSize.height - 1), spanW = dilation.width * (kernelSize.width - 1)
        var (top, left, bottom, right) = (0, 0, 0, 0)
        switch padding {
        case .explicit(let p):
            guard p.height >= 0, p.width >= 0 else { throw ONNXExportError(layer: layer, "padding \(p) is negative") }
            (top, bottom, left, right) = (p.height, p.height, p.width, p.width)
        case .valid: break
        case .same:
            guard stride == 1 else { throw ONNXExportError(layer: layer, "padding .same needs stride 1, got stride \(stride)") }
            (top, left) = (spanH / 2, spanW / 2)
            (bottom, right) = (spanH - top, spanW - left)
        }
        guard height + top + bottom > spanH, width + left + right > spanW else {
            throw ONNXExportError(layer: layer, "the kernel \(kernelSize) with dilation \(dilation) spans more than the padded input \(Size2d(height + top + bottom, width + left + right))")
        }
        let outH = (height + top + bottom - spanH - 1) / stride.height + 1
        let outW = (width + left + right - spanW - 1) / stride.width + 1
        let w = graph.initializer("weight", weight.value)
        let b = bias.map { graph.initializer("bias", $0.value) }
        let y = graph.node("Conv", [input.name, w] + (b.map { [$0] } ?? []), attributes: [
            ("kernel_shape", .ints([kernelSize.height, kernelSize.width])), ("strides", .ints([stride.height, stride.width])),
            ("pads", .ints([top, left, bottom, right])), ("dilations", .ints([dilation.height, dilation.width])),
            ("group", .int(groups))])
        return ONNXValue(name: y, shape: [input.shape[0], outChannels, outH, outW])
    }
}

extension MaxPool2d: ONNXExportable {
    /// `MaxPool` with the windows of ``MaxPool2d`` (PyTorch's `ceil_mode` rule included) as
    /// explicit pads, the extra ones of ceil mode at the bottom/right: `MaxPool` ignores padding.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let layer = graph.layerPath + " (MaxPool2d)"
        let (channels, height, width) = try imagePlane(input, layer: layer, expected: "[batch, channels, height, width]")
        let rows = try PoolAxis(length: height, kernel: kernelSize.height, stride: stride.height, padding: padding.height,
                                ceilMode: ceilMode, axis: "height", layer: layer)
        let columns = try PoolAxis(length: width, kernel: kernelSize.width, stride: stride.width, padding: padding.width,
                                   ceilMode: ceilMode, axis: "width", layer: layer)
        let y = graph.node("MaxPool", [input.name], attributes: [
            ("kernel_shape", .ints([kernelSize.height, kernelSize.width])), ("strides", .ints([stride.height, stride.width])),
            ("pads", .ints([padding.height, padding.width, rows.tail, columns.tail]))])
        return ONNXValue(name: y, shape: [input.shape[0], channels, rows.count, columns.count])
    }
}

extension AvgPool2d: ONNXExportable {
    /// `AveragePool` with the windows and divisors of ``AvgPool2d``. The divisor counts the
    /// padding when `countIncludePad`, but never the part of a ceil-mode window beyond it; when a
    /// window reaches there, the padding is a `Pad` node of zeros (which count as values) and the
    /// pool's own pads do not count (`count_include_pad = 0`).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let layer = graph.layerPath + " (AvgPool2d)"
        let (channels, height, width) = try imagePlane(input, layer: layer, expected: "[batch, channels, height, width]")
        let rows = try PoolAxis(length: height, kernel: kernelSize.height, stride: stride.height, padding: padding.height,
                                ceilMode: ceilMode, axis: "height", layer: layer)
        let columns = try PoolAxis(length: width, kernel: kernelSize.width, stride: stride.width, padding: padding.width,
                                   ceilMode: ceilMode, axis: "width", layer: layer)
        let overhang = rows.overhang > 0 || columns.overhang > 0
        var x = input.name
        let pads: [Int], countPadding: Bool
        if countIncludePad && overhang && (padding.height > 0 || padding.width > 0) {
            let zeros = [0, 0, padding.height, padding.width, 0, 0, padding.height, padding.width]
            x = graph.node("Pad", [x, graph.int64Constant(zeros, name: "pads")])
            (pads, countPadding) = ([0, 0, rows.overhang, columns.overhang], false)
        } else {
            pads = [padding.height, padding.width, rows.tail, columns.tail]
            countPadding = countIncludePad && !overhang && (padding.height > 0 || padding.width > 0)
        }
        let y = graph.node("AveragePool", [x], attributes: [
            ("kernel_shape", .ints([kernelSize.height, kernelSize.width])), ("strides", .ints([stride.height, stride.width])),
            ("pads", .ints(pads)), ("count_include_pad", .int(countPadding ? 1 : 0))])
        return ONNXValue(name: y, shape: [input.shape[0], channels, rows.count, columns.count])
    }
}

extension AdaptiveAvgPool2d: ONNXExportable {
    /// `GlobalAveragePool` for a 1 × 1 output; `AveragePool` when the output size divides the
    /// input's; otherwise two `MatMul`s with constant averaging matrices, `A_h · x · A_wᵀ`, where
    /// row `i` of `A_h` holds `1/n` over the `n` input rows of window `i` (the same windows, exact
    /// for any sizes).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let layer = graph.layerPath + " (AdaptiveAvgPool2d)"
        let (channels, height, width) = try imagePlane(input, layer: layer, expected: "[batch, channels, height, width]")
        let (outH, outW) = (outputSize.height, outputSize.width)
        guard outH > 0, outW > 0 else { throw ONNXExportError(layer: layer, "output size \(outputSize) must be positive") }
        let shape: [Int?] = [input.shape[0], channels, outH, outW]
        if outH == 1, outW == 1 {
            return ONNXValue(name: graph.node("GlobalAveragePool", [input.name]), shape: shape)
        }
        if height % outH == 0, width % outW == 0 {
            let kernel = [height / outH, width / outW]
            let y = graph.node("AveragePool", [input.name], attributes: [("kernel_shape", .ints(kernel)), ("strides", .ints(kernel))])
            return ONNXValue(name: y, shape: shape)
        }
        /// `[output, length]`: row `o` averages `⌊o·L/n⌋ ..< ⌈(o+1)·L/n⌉`, as ``Variable/adaptiveAvgPool2d(outputSize:)``.
        func averaging(length: Int, output: Int) -> [Double] {
            var matrix = [Double](repeating: 0, count: output * length)
            for o in 0..<output {
                let start = o * length / output, end = ((o + 1) * length + output - 1) / output
                for i in start..<end { matrix[o * length + i] = 1 / Double(end - start) }
            }
            return matrix
        }
        // x [.., H, W] · A_wᵀ [W, outW], then A_h [outH, H] · that (MatMul broadcasts the matrix).
        // An axis whose size does not change is left alone (its windows are single elements).
        var y = input.name
        if outW != width {
            let a = averaging(length: width, output: outW)
            let transposed = (0..<width * outW).map { a[($0 % outW) * width + $0 / outW] }
            y = graph.node("MatMul", [y, graph.constant(transposed, shape: [width, outW])])
        }
        if outH != height {
            y = graph.node("MatMul", [graph.constant(averaging(length: height, output: outH), shape: [outH, height]), y])
        }
        return ONNXValue(name: y, shape: shape)
    }
}

/// One axis of a sliding-window pooling as Backprop (and PyTorch) computes it, re-expressed as
/// a floor-mode ONNX pooling: the number of windows and the padding after the input that gives
/// exactly that number with the padding `p` before it.
struct PoolAxis {
    /// The number of windows.
    let count: Int
    /// The padding after the input: `p`, or more when a ceil-mode window goes beyond `L + p`.
    let tail: Int
    /// How far the last window reaches beyond `L + p` (0 when it does not).
    let overhang: Int

    init(length: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool, axis: String, layer: String) throws {
        guard kernel > 0, stride > 0, padding >= 0 else {
            throw ONNXExportError(layer: layer, "kernel size \(kernel) and stride \(stride) must be positive and padding \(padding) not negative (\(axis))")
        }
        guard padding <= kernel / 2 else {
            throw ONNXExportError(layer: layer, "padding \(padding) must be at most half the kernel size \(kernel) (\(axis))")
        }
        let span = length + 2 * padding - kernel
        guard span >= 0 else {
            throw ONNXExportError(layer: layer, "kernel size \(kernel) is larger than the padded input \(axis) \(length + 2 * padding)")
        }
        var count = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (count - 1) * stride >= length + padding { count -= 1 }   // no window starts in the right padding
        // The last window ends at (count - 1)·s - p + k; floor mode with pads (p, tail) gives `count`
        // windows for tail in [end - L - p, end - L - p + s): take p when it is in that range.
        let needed = (count - 1) * stride + kernel - length - padding
        (self.count, tail, overhang) = (count, Swift.max(padding, needed), Swift.max(0, needed - padding))
    }
}

/// Channels, height and width of a `[batch, channels, height, width]` input.
func imagePlane(_ input: ONNXValue, layer: String, expected: String) throws -> (Int, Int, Int) {
    guard input.shape.count == 4, let channels = input.shape[1], let height = input.shape[2], let width = input.shape[3] else {
        throw ONNXExportError(layer: layer, "expects inputs \(expected), got \(describe(input.shape))")
    }
    return (channels, height, width)
}
