/// How a reduction combines elements.
enum ReductionKind {
    case sum, max, min
}

enum ReductionKernels {
    /// Reduces `x` (of `shape`) over `axes` into `out` (the kept axes in order), in one walk of
    /// `x` in row-major order on one thread, so the result never depends on the thread count.
    ///
    /// Sums are accumulated in `Double` whatever the element type, and a run of contiguous
    /// elements is added pairwise (``sum(_:count:)``): adding 2^25 float32 ones one at a time
    /// stops at 2^24 (16777216 + 1 rounds back to 16777216); this gives 33554432. `max` and
    /// `min` propagate NaN like PyTorch's: once a NaN is seen it is the result.
    static func reduce<T: TensorScalar>(
        _ kind: ReductionKind, shape: [Int], axes: [Int], x: UnsafePointer<T>, out: UnsafeMutablePointer<T>, outCount: Int
    ) {
        let (dims, reduced) = collapse(shape, axes: axes)
        let total = dims.reduce(1, *)
        // Strides of `out` over `dims`: 0 along reduced axes, row-major over the kept ones.
        var outStrides = [Int](repeating: 0, count: dims.count)
        var s = 1
        for axis in dims.indices.reversed() where !reduced[axis] { outStrides[axis] = s; s *= dims[axis] }
        let inner = dims.last ?? 1
        let innerReduced = reduced.last ?? true
        switch kind {
        case .sum:
            var acc = [Double](repeating: 0, count: outCount)
            if total > 0 {
                acc.withUnsafeMutableBufferPointer { acc in
                    Shape.forEachRow(dims, outStrides) { row, o in
                        let src = x + row * inner
                        if innerReduced { acc[o] += sum(src, count: inner) }
                        else { for i in 0..<inner { acc[o + i] += Double(src[i]) } }
                    }
                }
            }
            for i in 0..<outCount { out[i] = T(acc[i]) }
        case .max, .min:
            let isMax = kind == .max
            out.update(repeating: isMax ? -T.infinity : T.infinity, count: outCount)
            if total == 0 { return }
            // `v > best` is false for NaN, so NaN is taken explicitly and then kept.
            @inline(__always) func wins(_ v: T, over best: T) -> Bool {
                (isMax ? v > best : v < best) || (v.isNaN && !best.isNaN)
            }
            Shape.forEachRow(dims, outStrides) { row, o in
                let src = x + row * inner
                if innerReduced {
                    var best = out[o]
                    for i in 0..<inner where wins(src[i], over: best) { best = src[i] }
                    out[o] = best
                } else {
                    for i in 0..<inner where wins(src[i], over: out[o + i]) { out[o + i] = src[i] }
                }
            }
        }
    }

    /// `shape` without its size-1 axes and with neighbouring axes merged when both are reduced
    /// or both kept (`[32, 10]` over `[0, 1]` is one axis of 320), so the innermost run is as
    /// long as possible. Returns the merged sizes and whether each is reduced.
    static func collapse(_ shape: [Int], axes: [Int]) -> (dims: [Int], reduced: [Bool]) {
        var dims: [Int] = [], reduced: [Bool] = []
        for (axis, d) in shape.enumerated() where d != 1 {
            let r = axes.contains(axis)
            if let last = reduced.last, last == r { dims[dims.count - 1] *= d } else { dims.append(d); reduced.append(r) }
        }
        return (dims, reduced)
    }

    /// `Σ x[i]` for `i < count`, in `Double`: runs of up to 256 elements are added in four
    /// interleaved partial sums, longer runs split in half and the halves' sums added (pairwise
    /// summation). The rounding error grows like `log2(count)`, not `count`, and float32 input
    /// loses nothing converting to `Double`.
    static func sum<T: TensorScalar>(_ x: UnsafePointer<T>, count: Int) -> Double {
        if count > 256 {
            let half = (count / 2) & ~7
            return sum(x, count: half) + sum(x + half, count: count - half)
        }
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            s0 += Double(x[i]); s1 += Double(x[i + 1]); s2 += Double(x[i + 2]); s3 += Double(x[i + 3])
            i += 4
        }
        while i < count { s0 += Double(x[i]); i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Softmax (or log-softmax) along one axis of a tensor viewed as `[outer, length, inner]`,
    /// subtracting the maximum first so no exponential overflows:
    /// `softmax(x)_i = e^(x_i - m) / Σ_j e^(x_j - m)`, `logSoftmax(x)_i = (x_i - m) - log Σ_j e^(x_j - m)`.
    static func softmax<T: TensorScalar>(
        _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, outer: Int, length: Int, inner: Int, log: Bool
    ) {
        parallelFor(outer, costPerItem: length * inner * 8) { o in
            for j in 0..<inner {
                let base = o * length * inner + j
                var m = -T.infinity
                for i in 0..<length where x[base + i * inner] > m { m = x[base + i * inner] }
                if !m.isFinite { m = m.isNaN ? m : 0 }
                var s = 0.0   // the sum of exponentials, accumulated in Double like every sum
                if log {
                    for i in 0..<length { s += Double(T.exp(x[base + i * inner] - m)) }
                    // (x - m) is exact near the maximum; subtracting m + log s in one step
                    // would round to the spacing of m first.
                    let logS = T(Double.log(s))
                    for i in 0..<length { out[base + i * inner] = (x[base + i * inner] - m) - logS }
                } else {
                    for i in 0..<length {
                        let e = T.exp(x[base + i * inner] - m)
                        out[base + i * inner] = e
                        s += Double(e)
                    }
                    let r = T(1 / s)
                    for i in 0..<length { out[base + i * inner] *= r }
                }
            }
        }
    }
}
