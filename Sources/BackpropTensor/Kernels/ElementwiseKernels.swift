/// A function applied to each element, generic over the scalar type so one definition serves
/// `Float` and `Double` and is specialised (and vectorised where the math allows) for each.
@usableFromInline package protocol UnaryFunction {
    func callAsFunction<T: TensorScalar>(_ x: T) -> T
}

/// A function of two elements, applied with broadcasting.
@usableFromInline package protocol BinaryFunction {
    func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T
}

@usableFromInline package enum ElementwiseKernels {
    /// `out[i] = f(x[i])` over `count` contiguous elements, split over threads when large.
    @inlinable
    package static func map<T: TensorScalar, F: UnaryFunction>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, count: Int, _ f: F) {
        let parts = count >= 1 << 15 ? Threading.threadCount : 1
        parallelFor(parts, costPerItem: 1 << 16) { part in
            for i in chunk(count, part: part, of: parts) { out[i] = f(x[i]) }
        }
    }

    /// `out[(o · channels + c) · inner + i] = f(a[same], b[c])`: `b` varies along one axis of the
    /// output only, as a per-channel bias `[1, C, 1, 1]` added to `[N, C, H, W]`. Split over
    /// threads by planes when large.
    @inlinable
    package static func zipChannels<T: TensorScalar, F: BinaryFunction>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
        outer: Int, channels: Int, inner: Int, _ f: F
    ) {
        let planes = outer * channels
        let parts = planes * inner >= 1 << 15 ? Swift.min(Threading.threadCount, planes) : 1
        parallelFor(parts, costPerItem: 1 << 16) { part in
            for plane in chunk(planes, part: part, of: parts) {
                let bv = b[plane % channels], pa = a + plane * inner, po = out + plane * inner
                for i in 0..<inner { po[i] = f(pa[i], bv) }
            }
        }
    }

    /// How the operands of ``zip(_:_:_:count:row:_:_:)`` line up with the output.
    @usableFromInline package enum Pattern { case same, scalarLeft, scalarRight, rowRight }

    /// `out[i] = f(a[i], b[i])` for operands laid out as `pattern` says: both of the output's
    /// shape, `a` or `b` a single element, or `b` one row of `row` elements repeated. Split over
    /// threads in fixed chunks when large; each element is computed the same way either way.
    @inlinable
    package static func zip<T: TensorScalar, F: BinaryFunction>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, count: Int, row: Int,
        _ pattern: Pattern, _ f: F
    ) {
        let parts = count >= 1 << 15 ? Threading.threadCount : 1
        parallelFor(parts, costPerItem: 1 << 16) { part in
            let range = chunk(pattern == .rowRight ? count / row : count, part: part, of: parts)
            switch pattern {
            case .same: for i in range { out[i] = f(a[i], b[i]) }
            case .scalarLeft: let av = a[0]; for i in range { out[i] = f(av, b[i]) }
            case .scalarRight: let bv = b[0]; for i in range { out[i] = f(a[i], bv) }
            case .rowRight:
                for r in range {
                    let pa = a + r * row, po = out + r * row
                    for i in 0..<row { po[i] = f(pa[i], b[i]) }
                }
            }
        }
    }

    /// `out = f(a, b)` where `a` and `b` are read through broadcast strides over `shape`.
    /// The innermost axis runs as a tight loop specialised for the common stride patterns
    /// (both contiguous, one of them a repeated scalar).
    @usableFromInline package static func broadcast<T: TensorScalar, F: BinaryFunction>(
        shape: [Int], a: UnsafePointer<T>, aStrides: [Int], b: UnsafePointer<T>, bStrides: [Int],
        out: UnsafeMutablePointer<T>, _ f: F
    ) {
        let inner = shape.last ?? 1
        let sa = aStrides.last ?? 0, sb = bStrides.last ?? 0
        Shape.forEachRow(shape, aStrides, bStrides) { row, ao, bo in
            let dst = out + row * inner
            let pa = a + ao, pb = b + bo
            switch (sa, sb) {
            case (1, 1): for i in 0..<inner { dst[i] = f(pa[i], pb[i]) }
            case (1, 0): let bv = pb[0]; for i in 0..<inner { dst[i] = f(pa[i], bv) }
            case (0, 1): let av = pa[0]; for i in 0..<inner { dst[i] = f(av, pb[i]) }
            default: for i in 0..<inner { dst[i] = f(pa[i * sa], pb[i * sb]) }
            }
        }
    }
}
