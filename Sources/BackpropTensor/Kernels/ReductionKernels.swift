/// How a reduction combines elements.
enum ReductionKind {
    case sum, max, min
}

enum ReductionKernels {
    /// Reduces `x` (of `shape`) into `out`, whose broadcast strides over `shape` are
    /// `outStrides` (0 along reduced axes). Walks `x` once in row-major order; the innermost
    /// axis is either reduced into one scalar or combined as a contiguous vector.
    static func reduce<T: TensorScalar>(
        _ kind: ReductionKind, shape: [Int], x: UnsafePointer<T>, out: UnsafeMutablePointer<T>,
        outCount: Int, outStrides: [Int]
    ) {
        let initial: T = kind == .sum ? 0 : (kind == .max ? -T.infinity : T.infinity)
        out.update(repeating: initial, count: outCount)
        let rank = shape.count
        let total = shape.reduce(1, *)
        if total == 0 { return }
        if rank == 0 { out[0] = x[0]; return }
        let inner = shape[rank - 1]
        let so = outStrides[rank - 1]
        let outer = total / inner
        var index = [Int](repeating: 0, count: rank)
        var oo = 0
        for o in 0..<outer {
            let src = x + o * inner
            let dst = out + oo
            if so == 0 {
                var acc = dst[0]
                switch kind {
                case .sum: for i in 0..<inner { acc += src[i] }
                case .max: for i in 0..<inner where src[i] > acc || src[i].isNaN { acc = src[i] }
                case .min: for i in 0..<inner where src[i] < acc || src[i].isNaN { acc = src[i] }
                }
                dst[0] = acc
            } else {
                switch kind {
                case .sum: for i in 0..<inner { dst[i] += src[i] }
                case .max: for i in 0..<inner where src[i] > dst[i] || src[i].isNaN { dst[i] = src[i] }
                case .min: for i in 0..<inner where src[i] < dst[i] || src[i].isNaN { dst[i] = src[i] }
                }
            }
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                oo += outStrides[axis]
                if index[axis] < shape[axis] { break }
                oo -= outStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
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
                var s: T = 0
                if log {
                    for i in 0..<length { s += T.exp(x[base + i * inner] - m) }
                    // (x - m) is exact near the maximum; subtracting m + log s in one step
                    // would round to the spacing of m first.
                    let logS = T.log(s)
                    for i in 0..<length { out[base + i * inner] = (x[base + i * inner] - m) - logS }
                } else {
                    for i in 0..<length {
                        let e = T.exp(x[base + i * inner] - m)
                        out[base + i * inner] = e
                        s += e
                    }
                    let r = 1 / s
                    for i in 0..<length { out[base + i * inner] *= r }
                }
            }
        }
    }
}
