/// Every function the element kernels apply, in one place: what one element of an operation's
/// output is. Tensor methods, operations and losses pick them by name (`Elementwise.Tanh()`).
///
/// NaN propagates as in PyTorch: comparisons with NaN are false, so each function is written
/// to return NaN for a NaN input (`relu`, `maximum`, `clamp`) unless PyTorch defines otherwise
/// (`sign(NaN) = 0`); `Tests/BackpropTests/SpecialValueTests.swift` checks them all.
enum Elementwise {
    // MARK: Arithmetic

    struct Add: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b } }
    struct Subtract: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b } }
    struct Multiply: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b } }
    struct Divide: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a / b } }
    /// `a^b`.
    struct Pow: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { T.pow(a, b) } }
    struct Negate: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { -x } }
    struct Reciprocal: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { 1 / x } }
    struct Square: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * x } }
    /// `x · factor`.
    struct Scale: UnaryFunction {
        let factor: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * T(factor) }
    }
    /// `x + offset`.
    struct Shift: UnaryFunction {
        let offset: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x + T(offset) }
    }
    /// `x^exponent`; exponents ±1/2 are square roots, as in PyTorch (so `(-∞)^0.5` is NaN, not
    /// C's `+∞`).
    struct PowConstant: UnaryFunction {
        let exponent: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            if exponent == 2 { return x * x }
            if exponent == 1 { return x }
            if exponent == 0.5 { return x.squareRoot() }
            if exponent == -0.5 { return 1 / x.squareRoot() }
            return T.pow(x, T(exponent))
        }
    }

    // MARK: Functions

    struct Exp: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.exp(x) } }
    struct Log: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.log(x) } }
    struct Sqrt: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.squareRoot() } }
    struct Abs: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { Swift.abs(x) } }
    struct Erf: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.erf(x) } }
    /// -1, 0 or 1; 0 for NaN, as PyTorch's `sign`.
    struct Sign: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
    /// `tanh`; for `Float` the vectorisable ``tanhFloat(_:)``, for `Double` libm's.
    struct Tanh: UnaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            if T.self == Float.self { return unsafeBitCast(tanhFloat(unsafeBitCast(x, to: Float.self)), to: T.self) }
            return T.tanh(x)
        }
    }
    /// `1 / (1 + e^-x)`, written so neither branch overflows: for x < 0 it is `e^x / (1 + e^x)`.
    struct Sigmoid: UnaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            if x >= 0 { return 1 / (1 + T.exp(-x)) }
            let e = T.exp(x)
            return e / (1 + e)
        }
    }
    /// `min(max(x, low), high)`; NaN stays NaN.
    struct Clamp: UnaryFunction {
        let low: Double, high: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { Swift.min(Swift.max(x, T(low)), T(high)) }
    }
    /// `x` where it is finite, else 0.
    struct FiniteOrZero: UnaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.isFinite ? x : 0 }
    }

    // MARK: Comparisons and masks (1 or 0; false for NaN)

    /// The larger of `a` and `b`; NaN if either is NaN (PyTorch's `maximum`).
    struct Maximum: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b || a.isNaN ? a : b }
    }
    /// The smaller of `a` and `b`; NaN if either is NaN (PyTorch's `minimum`).
    struct Minimum: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b || a.isNaN ? a : b }
    }
    struct Equal: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a == b ? 1 : 0 } }
    /// 1 where `x > threshold`.
    struct Greater: UnaryFunction {
        let threshold: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > T(threshold) ? 1 : 0 }
    }
    /// 1 where `x < threshold`.
    struct Less: UnaryFunction {
        let threshold: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x < T(threshold) ? 1 : 0 }
    }
    /// 1 where `low ≤ x ≤ high` (where clamp passes its gradient through).
    struct InRange: UnaryFunction {
        let low: Double, high: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x >= T(low) && x <= T(high) ? 1 : 0 }
    }
    /// `x` where the mask `m` is nonzero, else 0; unlike `m · x`, an infinite or NaN `x` outside
    /// the mask is dropped.
    struct Masked: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ m: T, _ x: T) -> T { m != 0 ? x : 0 }
    }

    // MARK: Activations

    /// `x` where `x > 0` or NaN, else 0.
    struct Relu: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x <= 0 ? 0 : x } }
    /// relu's derivative: 0 where `x ≤ 0`, else 1 (also at NaN, as PyTorch's `threshold_backward`).
    struct ReluDerivative: UnaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x <= 0 ? 0 : 1 } }
    struct LeakyRelu: UnaryFunction {
        let slope: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : x * T(slope) }
    }
    struct Elu: UnaryFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : T(alpha) * (T.exp(x) - 1) }
    }
    /// `ln(1 + e^(βx)) / β`, and `x` where `βx > threshold`.
    struct Softplus: UnaryFunction {
        let beta: Double, threshold: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            let bx = x * T(beta)
            return bx > T(threshold) ? x : T.log1p(T.exp(bx)) / T(beta)
        }
    }
    /// `x · Φ(x)`.
    struct Gelu: UnaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            x * (1 + T.erf(x * T(0.7071067811865476))) / 2
        }
    }
    /// `x (1 + tanh(√(2/π)(x + 0.044715x³))) / 2`.
    struct GeluTanh: UnaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
            let c = T(0.7978845608028654)
            return x * (1 + T.tanh(c * (x + T(0.044715) * x * x * x))) / 2
        }
    }

    // MARK: Fused backward rules (each equal to its operation's rule, tested)

    /// `g · (1 - y²)`: the tanh rule on the output `y`, same operations in the same order.
    struct TanhBackward: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ g: T, _ y: T) -> T { g * (1 - y * y) }
    }
    /// `(g · y) · (1 - y)`: the sigmoid rule on the output `y`.
    struct SigmoidBackward: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ g: T, _ y: T) -> T { g * y * (1 - y) }
    }
    /// `g · relu'(x)`: the relu rule on the input `x` (a multiply, as the rule is).
    struct ReluBackward: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ g: T, _ x: T) -> T { g * (x <= 0 ? 0 : 1) }
    }

    // MARK: Losses

    /// `-(y · max(ln p, -100) + (1 - y) · max(ln(1 - p), -100))`.
    struct BinaryCrossEntropy: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ p: T, _ y: T) -> T {
            let logP = Swift.max(T.log(p), -100)
            let logNotP = Swift.max(T.log1p(-p), -100)
            return -(y * logP + (1 - y) * logNotP)
        }
    }
    /// `max(x, 0) - x·y + ln(1 + e^(-|x|))`: binary cross-entropy of the logit `x`.
    struct LogisticLoss: BinaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T, _ y: T) -> T {
            Swift.max(x, 0) - x * y + T.log1p(T.exp(-Swift.abs(x)))
        }
    }
}
