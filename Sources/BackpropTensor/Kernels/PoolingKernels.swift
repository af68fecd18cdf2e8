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
        let indices = PoolIndices(count: planes * windows.outH * windows.outW)
        switch x.dtype {
        case .float32: x.withPointer(Float.self) { argmaxPlanes($0, planes, windows, indices) }
        case .float64: x.withPointer(Double.self) { argmaxPlanes($0, planes, windows, indices) }
        }
        return indices
    }

    /// `argmax` over planes of a buffer (a static generic function, so it is specialised for
    /// Float and Double instead of running generic code per element).
    private static func argmaxPlanes<T: TensorScalar>(_ xp: UnsafePointer<T>, _ planes: Int, _ windows: PoolWindows,
                                                      _ indices: PoolIndices) {
        let outPlane = windows.outH * windows.outW, plane = windows.height * windows.width
        let width = windows.width, outW = windows.outW
        let out0 = indices.pointer
        // Leading output columns whose windows are the column pairs (2·ow, 2·ow + 1).
        var pairs = 0
        while pairs < windows.columns.count && 2 * pairs + 2 <= width
                && windows.columns[pairs] == PoolWindows.Span(start: 2 * pairs, end: 2 * pairs + 2, divisor: 2) { pairs += 1 }
        windows.rows.withUnsafeBufferPointer { rows in windows.columns.withUnsafeBufferPointer { columns in
            parallelFor(planes, costPerItem: outPlane * 4) { p in
                let source = xp + p * plane, out = out0 + p * outPlane
                for oh in 0..<rows.count {
                    let r = rows[oh]
                    var ow = 0
                    if T.self == Float.self && pairs > 0 && r.end - r.start == 2 {
                        ow = argmaxPairs(UnsafeRawPointer(source + r.start * width).assumingMemoryBound(to: Float.self),
                                         first: r.start * width, width: width, out: out + oh * outW, count: pairs)
                    }
                    for ow in ow..<columns.count {
                        let c = columns[ow]
                        // best = the window's first element, then the rule over the rest in
                        // row-major order (the same result as starting from -infinity).
                        var index = r.start * width + c.start, best = source[index]
                        if r.end - r.start == 2 && c.end - c.start == 2 {
                            // The common 2 x 2 window, unrolled.
                            // Selects, not branches: which element wins is data, and mispredicted
                            // branches cost more than the comparisons.
                            for i in [index + 1, index + width, index + width + 1] {
                                let v = source[i]
                                let take = v > best || v.isNaN
                                best = take ? v : best
                                index = take ? i : index
                            }
                        } else {
                            for h in r.start..<r.end {
                                for w in c.start..<c.end where h > r.start || w > c.start {
                                    let v = source[h * width + w]
                                    if v > best || v.isNaN { best = v; index = h * width + w }
                                }
                            }
                        }
                        out[oh * outW + ow] = Int32(index)
                    }
                }
            }
        } }
    }

    /// The 2 x 2 windows over rows `top` and `top + width`, columns (2·ow, 2·ow + 1) for ow in
    /// 0..<count, four windows at a time with vector selects (which element wins is data, so
    /// branches would be mispredicted half the time). Same rule, same order as the scalar loop.
    /// Returns how many leading windows it did (the rest are left to the scalar loop).
    @inline(__always)
    private static func argmaxPairs(_ top: UnsafePointer<Float>, first: Int, width: Int,
                                    out: UnsafeMutablePointer<Int32>, count: Int) -> Int {
        var ow = 0
        let lanes = SIMD4<Int32>(0, 2, 4, 6), w = Int32(width)
        while ow + 4 <= count && 2 * ow + 8 <= width {
            let upper = UnsafeRawPointer(top + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
            let lower = UnsafeRawPointer(top + width + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
            let base = SIMD4<Int32>(repeating: Int32(first + 2 * ow)) &+ lanes
            var best = upper.evenHalf, index = base
            func consider(_ v: SIMD4<Float>, _ offset: Int32) {
                let take = (v .> best) .| (v .!= v)
                best.replace(with: v, where: take)
                index.replace(with: base &+ offset, where: take)
            }
            consider(upper.oddHalf, 1)
            consider(lower.evenHalf, w)
            consider(lower.oddHalf, w + 1)
            UnsafeMutableRawPointer(out + ow).storeBytes(of: index, as: SIMD4<Int32>.self)
            ow += 4
        }
        return ow
    }

    /// `y[p, o] = x[p, indices[p, o]]` (`gather`) or its adjoint `x[p, indices[p, o]] += y[p, o]`
    /// into zeros (`scatter`), for planes of `inputPlane` and `outputPlane` elements.
    package static func move(_ source: Tensor, _ indices: PoolIndices, outputShape: [Int], inputPlane: Int, outputPlane: Int,
                     scatter: Bool) -> Tensor {
        var out = scatter ? Tensor.zeros(outputShape, dtype: source.dtype)
                          : Tensor(uninitializedShape: outputShape, dtype: source.dtype)
        let planes = indices.count / outputPlane
        switch source.dtype {
        case .float32:
            source.withPointer(Float.self) { sp in out.withMutablePointer(Float.self) { op in
                movePlanes(sp, op, indices, planes, inputPlane, outputPlane, scatter)
            } }
        case .float64:
            source.withPointer(Double.self) { sp in out.withMutablePointer(Double.self) { op in
                movePlanes(sp, op, indices, planes, inputPlane, outputPlane, scatter)
            } }
        }
        return out
    }

    /// `move` on buffers (static and generic, so it is specialised per element type).
    private static func movePlanes<T: TensorScalar>(_ sp: UnsafePointer<T>, _ op: UnsafeMutablePointer<T>, _ indices: PoolIndices,
                                                    _ planes: Int, _ inputPlane: Int, _ outputPlane: Int, _ scatter: Bool) {
        let index0 = indices.pointer
        parallelFor(planes, costPerItem: outputPlane) { p in
            let index = index0 + p * outputPlane
            if scatter {
                let from = sp + p * outputPlane, to = op + p * inputPlane
                for o in 0..<outputPlane { to[Int(index[o])] += from[o] }
            } else {
                let from = sp + p * inputPlane, to = op + p * outputPlane
                for o in 0..<outputPlane { to[o] = from[Int(index[o])] }
            }
        }
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
