extension Tensor {
    /// The normalised, sorted, duplicate-free list of axes to reduce; `nil` means all axes.
    package func reductionAxes(_ axes: [Int]?, operation: String) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        if axes.count == 1 { return [Shape.axis(axes[0], rank: rank, operation: operation)] }
        let normalized = Set(axes.map { Shape.axis($0, rank: rank, operation: operation) })
        return normalized.sorted()
    }

    /// The shape after reducing `axes`: those axes become 1 (kept) or disappear.
    package func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        var out: [Int] = []
        for (i, d) in shape.enumerated() {
            if axes.contains(i) { if keepDims { out.append(1) } } else { out.append(d) }
        }
        return out
    }

    func reduce(_ kind: ReductionKind, axes: [Int]?, keepDims: Bool, operation: String) -> Tensor {
        let axes = reductionAxes(axes, operation: operation)
        if kind != .sum, axes.contains(where: { shape[$0] == 0 }) {
            fatalError("\(operation): cannot reduce an empty axis (shape \(shape))")
        }
        var out = Tensor(uninitializedShape: reducedShape(axes, keepDims: true), dtype: dtype)
        let outCount = out.count
        func run<T: TensorScalar>(_: T.Type) {
            withPointer(T.self) { x in out.withMutablePointer(T.self) { o in
                ReductionKernels.reduce(kind, shape: shape, axes: axes, x: x, out: o, outCount: outCount)
            } }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return keepDims ? out : out.reshaped(reducedShape(axes, keepDims: false))
    }

    /// Sum over the given axes (all when `nil`).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.sum, axes: axes, keepDims: keepDims, operation: "sum")
    }
    /// Mean over the given axes (all when `nil`).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = reductionAxes(axes, operation: "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) / Double(n)
    }
    /// Maximum over the given axes (all when `nil`).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.max, axes: axes, keepDims: keepDims, operation: "max")
    }
    /// Minimum over the given axes (all when `nil`).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        reduce(.min, axes: axes, keepDims: keepDims, operation: "min")
    }

    /// Sums a broadcast result back to `target` shape: the reduction that undoes broadcasting
    /// (used by the gradients of every broadcasting op).
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        // The gradient of a bias: rows of `target`'s size summed in row order, in one pass.
        let trailing = target.drop { $0 == 1 }
        if trailing.count < rank, !trailing.isEmpty, shape.suffix(trailing.count).elementsEqual(trailing) {
            var out = Tensor(uninitializedShape: target, dtype: dtype)
            let row = out.count, rows = count / Swift.max(row, 1)
            // Accumulated in Double like every sum (see ReductionKernels.reduce).
            var acc = [Double](repeating: 0, count: row)
            func run<T: TensorScalar>(_: T.Type) {
                withPointer(T.self) { x in out.withMutablePointer(T.self) { o in acc.withUnsafeMutableBufferPointer { acc in
                    for r in 0..<rows {
                        let src = x + r * row
                        for i in 0..<row { acc[i] += Double(src[i]) }
                    }
                    for i in 0..<row { o[i] = T(acc[i]) }
                } } }
            }
            switch dtype {
            case .float32: run(Float.self)
            case .float64: run(Double.self)
            }
            return out
        }
        let offset = rank - target.count
        guard offset >= 0 else { fatalError("sum(toShape:): cannot reduce \(shape) to the larger rank of \(target)") }
        var axes = Array(0..<offset)
        for (i, d) in target.enumerated() where d == 1 && shape[i + offset] != 1 { axes.append(i + offset) }
        for (i, d) in target.enumerated() where d != 1 && shape[i + offset] != d {
            fatalError("sum(toShape:): shape \(shape) does not broadcast from \(target) (axis \(i))")
        }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// This tensor repeated along size-1 (or missing leading) axes to fill `target`.
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        if rank <= target.count && (count == 1 || shape.elementsEqual(target.suffix(rank))) && !target.contains(0) {
            // One element or one trailing block, repeated: copy it, no broadcasting walk.
            let out = Tensor(uninitializedShape: target, dtype: dtype)
            let block = count * dtype.byteSize, n = out.count / Swift.max(count, 1)
            if count == 1 {
                func run<T: TensorScalar>(_: T.Type) { out.buffer.pointer(T.self).update(repeating: buffer.pointer(T.self)[0], count: out.count) }
                switch dtype {
                case .float32: run(Float.self)
                case .float64: run(Double.self)
                }
            } else {
                for i in 0..<n { (out.buffer.raw + i * block).copyMemory(from: buffer.raw, byteCount: block) }
            }
            return out
        }
        let out = Shape.broadcast(shape, target, operation: "broadcast(to:)")
        guard out == target else {
            fatalError("broadcast(to:): shape \(shape) cannot be broadcast to \(target)")
        }
        return Tensor.zeros(target, dtype: dtype) + self
    }

    /// The index of the largest element along `axis` (the first, on ties), as `[Int]` in
    /// row-major order of the other axes. For `[batch, classes]` logits and `axis: 1` this is
    /// the predicted class of each row. A NaN counts as larger than every number (the index of
    /// the first NaN is returned, as PyTorch does); an empty axis has no largest element and stops
    /// with an error.
    public func argmax(axis: Int = -1) -> [Int] {
        let ax = Shape.axis(axis, rank: rank, operation: "argmax")
        guard rank > 0 else { return [0] }
        let length = shape[ax]
        guard length > 0 else {
            fatalError("argmax: axis \(ax) of shape \(shape) is empty, so it has no largest element")
        }
        let inner = shape[(ax + 1)...].reduce(1, *)
        let outer = shape[..<ax].reduce(1, *)
        let values = scalars(as: Double.self)
        var result = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for j in 0..<inner {
                var best = 0
                var bestValue = -Double.infinity
                for i in 0..<length {
                    let v = values[(o * length + i) * inner + j]
                    if v > bestValue || (bestValue.isNaN == false && v.isNaN) { best = i; bestValue = v }
                }
                result[o * inner + j] = best
            }
        }
        return result
    }

    /// Softmax along `axis`: `e^(x_i - max) / Σ_j e^(x_j - max)`, finite for any finite input.
    public func softmax(axis: Int = -1) -> Tensor { softmaxKernel(axis: axis, log: false, operation: "softmax") }

    /// Log-softmax along `axis`: `x_i - max - log Σ_j e^(x_j - max)`.
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxKernel(axis: axis, log: true, operation: "logSoftmax") }

    func softmaxKernel(axis: Int, log: Bool, operation: String) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, operation: operation)
        let length = rank == 0 ? 1 : shape[ax]
        let inner = rank == 0 ? 1 : shape[(ax + 1)...].reduce(1, *)
        let outer = rank == 0 ? 1 : shape[..<ax].reduce(1, *)
        var out = Tensor(uninitializedShape: shape, dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            withPointer(T.self) { x in out.withMutablePointer(T.self) { o in
                ReductionKernels.softmax(x, o, outer: outer, length: length, inner: inner, log: log)
            } }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    /// `log Σ e^x` over the given axes, computed as `m + log Σ e^(x - m)` with `m` the maximum,
    /// so it stays finite for inputs of any magnitude.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        var m = max(axes: axes, keepDims: true)
        // An all -inf slice has max -inf; shifting by 0 there keeps the result -inf, not NaN.
        m = m.applying(FiniteOrZero())
        let s = (self - m).exp().sum(axes: axes, keepDims: true).log() + m
        return keepDims ? s : s.reshaped(reducedShape(reductionAxes(axes, operation: "logSumExp"), keepDims: false))
    }
}

struct FiniteOrZero: UnaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.isFinite ? x : 0 }
}
