extension Tensor {
    /// Copies raw elements regardless of type (all shape ops move bytes, not numbers).
    @inline(__always)
    private func bytes(_ offset: Int) -> UnsafeMutableRawPointer { buffer.raw + offset * dtype.byteSize }

    /// The axes reordered: axis `i` of the result is axis `axes[i]` of this tensor.
    public func permuted(_ axes: [Int]) -> Tensor {
        guard axes.count == rank, Set(axes.map { Shape.axis($0, rank: rank, operation: "permute") }).count == rank else {
            fatalError("permute: \(axes) is not a permutation of the \(rank) axes of a tensor of shape \(shape)")
        }
        let axes = axes.map { Shape.axis($0, rank: rank, operation: "permute") }
        if axes == Array(0..<rank) { return self }
        let outShape = axes.map { shape[$0] }
        let srcStrides = Shape.strides(of: shape)
        let readStrides = axes.map { srcStrides[$0] }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let size = dtype.byteSize, inner = outShape[rank - 1], step = readStrides[rank - 1]
        Shape.forEachRow(outShape, readStrides) { row, src in
            let dst = out.buffer.raw + row * inner * size
            for i in 0..<inner { (dst + i * size).copyMemory(from: bytes(src + i * step), byteCount: size) }
        }
        return out
    }

    /// The last two axes swapped (the matrix transpose for rank 2).
    public func transposed() -> Tensor {
        guard rank >= 2 else { fatalError("transposed(): needs rank >= 2, got shape \(shape)") }
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// `[outer, length, inner]` view sizes around `axis`.
    func split(around axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// The elements whose index along `axis` lies in `range`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, operation: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            fatalError("slice: range \(range) is out of bounds for axis \(axis) of size \(shape[ax]) (shape \(shape))")
        }
        let (outer, length, inner) = split(around: ax)
        var outShape = shape
        outShape[ax] = range.count
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let block = range.count * inner * dtype.byteSize
        for o in 0..<outer {
            out.buffer.raw.advanced(by: o * block)
                .copyMemory(from: bytes((o * length + range.lowerBound) * inner), byteCount: block)
        }
        return out
    }

    /// Zeros of size `size` along `axis`, with this tensor written at `offset` along it:
    /// the inverse of ``slice(axis:_:)`` (and its gradient).
    public func padded(axis: Int, offset: Int, size: Int) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, operation: "pad")
        guard offset >= 0, offset + shape[ax] <= size else {
            fatalError("pad: a slice of length \(shape[ax]) at offset \(offset) does not fit in size \(size)")
        }
        let (outer, length, inner) = split(around: ax)
        var outShape = shape
        outShape[ax] = size
        let out = Tensor.zeros(outShape, dtype: dtype)
        let block = length * inner * dtype.byteSize
        for o in 0..<outer {
            out.buffer.raw.advanced(by: ((o * size) + offset) * inner * dtype.byteSize)
                .copyMemory(from: bytes(o * length * inner), byteCount: block)
        }
        return out
    }

    /// Tensors joined along an existing axis; all other axes must match.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        guard let first = tensors.first else { fatalError("concatenate: needs at least one tensor") }
        let ax = Shape.axis(axis, rank: first.rank, operation: "concatenate")
        for t in tensors {
            var a = t.shape, b = first.shape
            guard a.count == b.count, t.dtype == first.dtype else {
                fatalError("concatenate: shapes \(first.shape) (\(first.dtype)) and \(t.shape) (\(t.dtype)) cannot be joined")
            }
            a[ax] = 0; b[ax] = 0
            guard a == b else {
                fatalError("concatenate: shapes \(first.shape) and \(t.shape) differ outside axis \(ax)")
            }
        }
        var outShape = first.shape
        outShape[ax] = tensors.reduce(0) { $0 + $1.shape[ax] }
        let out = Tensor(uninitializedShape: outShape, dtype: first.dtype)
        let (outer, total, inner) = out.split(around: ax)
        let size = first.dtype.byteSize
        var offset = 0
        for t in tensors {
            let length = t.shape[ax]
            for o in 0..<outer {
                out.buffer.raw.advanced(by: ((o * total) + offset) * inner * size)
                    .copyMemory(from: t.buffer.raw.advanced(by: o * length * inner * size), byteCount: length * inner * size)
            }
            offset += length
        }
        return out
    }

    /// Tensors of equal shape joined along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        guard let first = tensors.first else { fatalError("stack: needs at least one tensor") }
        let ax = Shape.axis(axis, rank: first.rank + 1, operation: "stack")
        for t in tensors where t.shape != first.shape {
            fatalError("stack: shapes \(first.shape) and \(t.shape) differ; stack needs equal shapes")
        }
        var expanded = first.shape
        expanded.insert(1, at: ax)
        return concatenate(tensors.map { $0.reshaped(expanded) }, axis: ax)
    }

    /// Rows (entries along axis 0) picked by index, in order: an embedding lookup.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        guard rank >= 1 else { fatalError("gatherRows: needs rank >= 1, got a scalar") }
        let rowSize = (count / Swift.max(shape[0], 1)) * dtype.byteSize
        var outShape = shape
        outShape[0] = indices.count
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        for i in indices where i < 0 || i >= shape[0] {
            fatalError("gatherRows: index \(i) is out of range for \(shape[0]) rows (shape \(shape))")
        }
        // Large gathers (a batch of images) copy their rows on several threads, in fixed chunks.
        let rows = indices.count
        let parts = rows * rowSize >= 1 << 17 ? Swift.min(Threading.threadCount, rows) : 1
        let destination = out.buffer.raw
        indices.withUnsafeBufferPointer { indices in
            parallelFor(parts, costPerItem: 1 << 16) { part in
                for r in chunk(rows, part: part, of: parts) {
                    destination.advanced(by: r * rowSize).copyMemory(
                        from: bytes(indices[r] * (rowSize / dtype.byteSize)), byteCount: rowSize)
                }
            }
        }
        return out
    }

    /// Zeros with `rows` rows, with row `r` of this tensor added into row `indices[r]`:
    /// the gradient of ``gatherRows(_:)`` (repeated indices accumulate).
    public func scatterAddRows(_ indices: [Int], rows: Int) -> Tensor {
        var outShape = shape
        outShape[0] = rows
        var out = Tensor.zeros(outShape, dtype: dtype)
        let rowLength = count / Swift.max(shape[0], 1)
        func run<T: TensorScalar>(_: T.Type) {
            withPointer(T.self) { src in out.withMutablePointer(T.self) { dst in
                for (r, i) in indices.enumerated() {
                    guard i >= 0 && i < rows else { fatalError("scatterAddRows: index \(i) is out of range for \(rows) rows") }
                    for j in 0..<rowLength { dst[i * rowLength + j] += src[r * rowLength + j] }
                }
            } }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }
}
