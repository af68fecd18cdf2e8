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

// MARK: - The element functions

struct Negate: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { -x } }
struct Exp: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.exp(x) } }
struct Log: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.log(x) } }
struct SquareRoot: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.squareRoot() } }
struct Absolute: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { Swift.abs(x) } }
/// `tanh`; for `Float` the vectorisable ``tanhFloat(_:)``, for `Double` libm's.
struct HyperbolicTangent: UnaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
        if T.self == Float.self { return unsafeBitCast(tanhFloat(unsafeBitCast(x, to: Float.self)), to: T.self) }
        return T.tanh(x)
    }
}
struct ErrorFunction: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.erf(x) } }
struct Sign: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
struct Relu: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : 0 } }
struct Square: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * x } }
/// `1 / (1 + e^-x)`, written so neither branch overflows: for x < 0 it is `e^x / (1 + e^x)`.
struct SigmoidFunction: UnaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }
}
struct Scale: UnaryFunction {
    let factor: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * T(factor) }
}
struct Shift: UnaryFunction {
    let offset: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x + T(offset) }
}
struct PowerOf: UnaryFunction {
    let exponent: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
        if exponent == 2 { return x * x }
        if exponent == 1 { return x }
        return T.pow(x, T(exponent))
    }
}
struct ClampValue: UnaryFunction {
    let low: Double, high: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { Swift.min(Swift.max(x, T(low)), T(high)) }
}
/// 1 where `low <= x <= high`, else 0 (the mask clamp's gradient passes through).
package struct InRange: UnaryFunction {
    let low: Double, high: Double
    package init(low: Double, high: Double) { self.low = low; self.high = high }
    @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x >= T(low) && x <= T(high) ? 1 : 0 }
}
/// 1 where `x > threshold`, else 0.
struct GreaterThanScalar: UnaryFunction {
    let threshold: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > T(threshold) ? 1 : 0 }
}
struct Reciprocal: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { 1 / x } }

struct Add: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b } }
struct Subtract: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b } }
struct Multiply: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b } }
struct Divide: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a / b } }
struct Power: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { T.pow(a, b) } }
struct Maximum: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b ? a : b } }
struct Minimum: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b ? a : b } }
struct IsEqual: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a == b ? 1 : 0 } }
