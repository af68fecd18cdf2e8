/// The functions the element kernels apply: what one element of an operation's output is,
/// all named `Elementwise.Name`. Tensor methods' functions are here; those of activations and
/// fused backward rules extend `Elementwise` in BackpropAutograd (Operations/Activations.swift),
/// those of losses in BackpropNN, so that each is compiled and inlined in the module that uses
/// it (a conformance from another module is called per element, not inlined).
///
/// NaN propagates as in PyTorch: comparisons with NaN are false, so each function is written
/// to return NaN for a NaN input (`relu`, `maximum`, `clamp`) unless PyTorch defines otherwise
/// (`sign(NaN) = 0`); `Tests/BackpropTests/SpecialValueTests.swift` checks them all.
package enum Elementwise {
    // MARK: Arithmetic

    package struct Add: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b }
    }
    package struct Subtract: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b }
    }
    package struct Multiply: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b }
    }
    package struct Divide: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a / b }
    }
    /// `a^b`.
    package struct Pow: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { T.pow(a, b) }
    }
    package struct Negate: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { -x }
    }
    package struct Reciprocal: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { 1 / x }
    }
    package struct Square: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * x }
    }
    /// `x · factor`.
    package struct Scale: UnaryFunction {
        package let factor: Double
        @inlinable package init(factor: Double) { self.factor = factor }
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * T(factor) }
    }
    /// `x + offset`.
    package struct Shift: UnaryFunction {
        package let offset: Double
        @inlinable package init(offset: Double) { self.offset = offset }
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x + T(offset) }
    }
    /// `x^exponent`; exponents ±1/2 are square roots, as in PyTorch (so `(-∞)^0.5` is NaN, not
    /// C's `+∞`).
    package struct PowConstant: UnaryFunction {
        package let exponent: Double
        @inlinable package init(exponent: Double) { self.exponent = exponent }
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            if exponent == 2 { return x * x }
            if exponent == 1 { return x }
            if exponent == 0.5 { return x.squareRoot() }
            if exponent == -0.5 { return 1 / x.squareRoot() }
            return T.pow(x, T(exponent))
        }
    }

    // MARK: Functions

    package struct Exp: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.exp(x) }
    }
    package struct Log: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.log(x) }
    }
    package struct Sqrt: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.squareRoot() }
    }
    package struct Abs: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { Swift.abs(x) }
    }
    package struct Erf: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.erf(x) }
    }
    /// -1, 0 or 1; 0 for NaN, as PyTorch's `sign`.
    package struct Sign: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) }
    }
    /// `tanh`; for `Float` the vectorisable ``tanhFloat(_:)``, for `Double` libm's.
    package struct Tanh: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            if T.self == Float.self { return unsafeBitCast(tanhFloat(unsafeBitCast(x, to: Float.self)), to: T.self) }
            return T.tanh(x)
        }
    }
    /// `1 / (1 + e^-x)`, written so neither branch overflows: for x < 0 it is `e^x / (1 + e^x)`.
    package struct Sigmoid: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            if x >= 0 { return 1 / (1 + T.exp(-x)) }
            let e = T.exp(x)
            return e / (1 + e)
        }
    }
    /// `min(max(x, low), high)`; NaN stays NaN.
    package struct Clamp: UnaryFunction {
        package let low: Double, high: Double
        @inlinable package init(low: Double, high: Double) { self.low = low; self.high = high }
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { Swift.min(Swift.max(x, T(low)), T(high)) }
    }
    /// `x` where it is finite, else 0.
    package struct FiniteOrZero: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.isFinite ? x : 0 }
    }

    // MARK: Comparisons and masks (1 or 0; false for NaN)

    /// The larger of `a` and `b`; NaN if either is NaN (PyTorch's `maximum`).
    package struct Maximum: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b || a.isNaN ? a : b }
    }
    /// The smaller of `a` and `b`; NaN if either is NaN (PyTorch's `minimum`).
    package struct Minimum: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b || a.isNaN ? a : b }
    }
    package struct Equal: BinaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a == b ? 1 : 0 }
    }
    /// 1 where `x > threshold`.
    package struct Greater: UnaryFunction {
        package let threshold: Double
        @inlinable package init(threshold: Double) { self.threshold = threshold }
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > T(threshold) ? 1 : 0 }
    }

    // MARK: Activations

    /// `x` where `x > 0` or NaN, else 0.
    package struct Relu: UnaryFunction {
        @inlinable package init() {}
        @inlinable @inline(__always) package func callAsFunction<T: TensorScalar>(_ x: T) -> T { x <= 0 ? 0 : x }
    }

}
