/// The input window of each output position of a 2-D pooling, as PyTorch computes them.
///
/// Rows and columns are independent: output `(oh, ow)` pools input rows `rows[oh].start ..<
/// rows[oh].end` and columns `columns[ow].start ..< columns[ow].end` (clipped to the input), and
/// an average divides by `rows[oh].divisor · columns[ow].divisor`.
package struct PoolWindows: Equatable {
    /// One axis of one window.
    package struct Span: Equatable { package var start: Int, end: Int, divisor: Int }
    package var height: Int, width: Int
    package var rows: [Span], columns: [Span]

    /// Windows over an input plane of `height` × `width`.
    package init(height: Int, width: Int, rows: [Span], columns: [Span]) {
        (self.height, self.width, self.rows, self.columns) = (height, width, rows, columns)
    }

    package var outH: Int { rows.count }
    package var outW: Int { columns.count }

    /// Sliding windows: output length `⌊(L + 2p - k) / s⌋ + 1` (⌈⌉ in ceil mode, dropping a
    /// last window that would start in the right padding). The divisor counts padding when
    /// `countPadding` (PyTorch's `count_include_pad`) but never the part beyond `L + p`.
    package static func slidingAxis(length: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool,
                            countPadding: Bool, operation: String) -> [Span] {
        guard kernel > 0, stride > 0, padding >= 0 else {
            fatalError("\(operation): kernel size \(kernel) and stride \(stride) must be positive and padding \(padding) not negative")
        }
        guard padding <= kernel / 2 else {
            fatalError("\(operation): padding \(padding) must be at most half the kernel size \(kernel)")
        }
        let span = length + 2 * padding - kernel
        guard span >= 0 else {
            fatalError("\(operation): kernel size \(kernel) is larger than the padded input length \(length + 2 * padding)")
        }
        var count = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (count - 1) * stride >= length + padding { count -= 1 }
        return (0..<count).map { o in
            let start = o * stride - padding, end = Swift.min(start + kernel, length + padding)
            let clippedStart = Swift.max(start, 0), clippedEnd = Swift.min(end, length)
            return Span(start: clippedStart, end: clippedEnd, divisor: countPadding ? end - start : clippedEnd - clippedStart)
        }
    }

    /// Adaptive windows: output `o` of `n` pools `⌊o·L/n⌋ ..< ⌈(o+1)·L/n⌉`.
    package static func adaptiveAxis(length: Int, output: Int) -> [Span] {
        (0..<output).map { o in
            let start = o * length / output, end = ((o + 1) * length + output - 1) / output
            return Span(start: start, end: end, divisor: end - start)
        }
    }
}

/// Flat positions (`h · width + w` within an input plane) of the elements a max-pool chose, in
/// pooled memory (freed into the tensor pool with the last reference).
package final class PoolIndices: @unchecked Sendable {
    let count: Int
    let pointer: UnsafeMutablePointer<Int32>

    init(count: Int) {
        self.count = count
        pointer = BufferPool.allocate(byteCount: count * 4).assumingMemoryBound(to: Int32.self)
    }

    deinit { BufferPool.release(UnsafeMutableRawPointer(pointer), byteCount: count * 4) }
}

/// Pooling over the planes (`batch · channels` of them) of NCHW tensors; one task per plane.
package enum PoolingKernels {
    /// Where each window's maximum is: the first maximal element in row-major order, or the
    /// first NaN (PyTorch's rule: `v > best || isnan(v)`).
    package static func argmax(_ x: Tensor, _ windows: PoolWindows) -> PoolIndices {
        let planes = x.count / (windows.height * windows.width)
        let outPlane = windows.outH * windows.outW, plane = windows.height * windows.width
        let indices = PoolIndices(count: planes * outPlane)
        func run<T: TensorScalar>(_: T.Type) {
            x.withPointer(T.self) { xp in
                parallelFor(planes, costPerItem: outPlane * 4) { p in
                    let source = xp + p * plane, out = indices.pointer + p * outPlane
                    for (oh, r) in windows.rows.enumerated() {
                        for (ow, c) in windows.columns.enumerated() {
                            var best = -T.infinity, index = r.start * windows.width + c.start
                            for h in r.start..<r.end {
                                for w in c.start..<c.end {
                                    let v = source[h * windows.width + w]
                                    if v > best || v.isNaN { best = v; index = h * windows.width + w }
                                }
                            }
                            out[oh * windows.outW + ow] = Int32(index)
                        }
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return indices
    }

    /// `y[p, o] = x[p, indices[p, o]]` (`gather`) or its adjoint `x[p, indices[p, o]] += y[p, o]`
    /// into zeros (`scatter`), for planes of `inputPlane` and `outputPlane` elements.
    package static func move(_ source: Tensor, _ indices: PoolIndices, outputShape: [Int], inputPlane: Int, outputPlane: Int,
                     scatter: Bool) -> Tensor {
        var out = scatter ? Tensor.zeros(outputShape, dtype: source.dtype)
                          : Tensor(uninitializedShape: outputShape, dtype: source.dtype)
        let planes = indices.count / outputPlane
        func run<T: TensorScalar>(_: T.Type) {
            source.withPointer(T.self) { sp in out.withMutablePointer(T.self) { op in
                parallelFor(planes, costPerItem: outputPlane) { p in
                    let index = indices.pointer + p * outputPlane
                    if scatter {
                        let from = sp + p * outputPlane, to = op + p * inputPlane
                        for o in 0..<outputPlane { to[Int(index[o])] += from[o] }
                    } else {
                        let from = sp + p * inputPlane, to = op + p * outputPlane
                        for o in 0..<outputPlane { to[o] = from[Int(index[o])] }
                    }
                }
            } }
        }
        switch source.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    /// The window averages of `x` (`adjoint: false`, output `[..., outH, outW]`), or for a
    /// gradient `x` of that shape the adjoint: each window's value divided by its divisor and
    /// added to every input element of the window (output `[..., height, width]`).
    package static func average(_ x: Tensor, _ windows: PoolWindows, adjoint: Bool) -> Tensor {
        let plane = windows.height * windows.width, outPlane = windows.outH * windows.outW
        let planes = x.count / (adjoint ? outPlane : plane)
        let lead = Array(x.shape.dropLast(2))
        var out = adjoint ? Tensor.zeros(lead + [windows.height, windows.width], dtype: x.dtype)
                          : Tensor(uninitializedShape: lead + [windows.outH, windows.outW], dtype: x.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            x.withPointer(T.self) { xp in out.withMutablePointer(T.self) { op in
                parallelFor(planes, costPerItem: plane * 2) { p in
                    let inputPlane = adjoint ? op + p * plane : UnsafeMutablePointer(mutating: xp) + p * plane
                    let pooled = adjoint ? UnsafeMutablePointer(mutating: xp) + p * outPlane : op + p * outPlane
                    for (oh, r) in windows.rows.enumerated() {
                        for (ow, c) in windows.columns.enumerated() {
                            let divisor = T(r.divisor * c.divisor)
                            if adjoint {
                                let share = pooled[oh * windows.outW + ow] / divisor
                                for h in r.start..<r.end { for w in c.start..<c.end { inputPlane[h * windows.width + w] += share } }
                            } else {
                                var total: T = 0
                                for h in r.start..<r.end { for w in c.start..<c.end { total += inputPlane[h * windows.width + w] } }
                                pooled[oh * windows.outW + ow] = total / divisor
                            }
                        }
                    }
                }
            } }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }
}
