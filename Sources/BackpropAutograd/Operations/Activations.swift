import Foundation
import BackpropTensor

// Activation functions. Each forward value is one fused element kernel; each derivative is
// written with Variable operations so that second derivatives work too. The hottest ones also
// declare a fused fast path (one kernel for the whole rule), used when no graph is recorded.

extension Variable {
    /// `tanh(x)`; `d tanh(x)/dx = 1 - tanh(x)²`.
    public func tanh() -> Variable {
        Variable.record("tanh", value.tanh(), inputs: [self], derivative: "d tanh(x)/dx = 1 - tanh(x)²",
                        backward: { g, y in [g * (1 - y * y)] },
                        fastPath: { g, y in [g.combining(y.value, Elementwise.TanhBackward(), operation: "tanh backward")] })
    }

    /// `σ(x) = 1 / (1 + e^-x)`; `dσ/dx = σ(x)(1 - σ(x))`. Finite for inputs of any size.
    public func sigmoid() -> Variable {
        Variable.record("sigmoid", value.sigmoid(), inputs: [self], derivative: "d σ(x)/dx = σ(x)(1 - σ(x))",
                        backward: { g, y in [g * y * (1 - y)] },
                        fastPath: { g, y in [g.combining(y.value, Elementwise.SigmoidBackward(), operation: "sigmoid backward")] })
    }

    /// `relu(x) = max(x, 0)` (NaN stays NaN); derivative 0 for `x ≤ 0`, else 1.
    public func relu() -> Variable {
        Variable.record("relu", value.relu(), inputs: [self], derivative: "d relu(x)/dx = 0 if x <= 0 else 1",
                        backward: { g, _ in [g.multiplied(byConstant: self.value.applying(Elementwise.ReluDerivative()))] },
                        fastPath: { g, _ in [g.combining(self.value, Elementwise.ReluBackward(), operation: "relu backward")] })
    }

    /// `x` for `x > 0`, else `slope · x`; derivative 1 or `slope`.
    public func leakyRelu(negativeSlope slope: Double = 0.01) -> Variable {
        Variable.record("leakyRelu", value.applying(Elementwise.LeakyRelu(slope: slope)), inputs: [self],
                        derivative: "d leakyRelu(x)/dx = 1 if x > 0 else \(slope)") { g, _ in
            let positive = self.value.greater(than: 0)
            return [g.multiplied(byConstant: positive + (1 - positive) * slope)]
        }
    }

    /// GELU, `x · Φ(x)` with `Φ` the standard normal CDF; `approximate: true` uses
    /// `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))` as PyTorch's `approximate="tanh"`.
    ///
    /// Exact: `d/dx = Φ(x) + x φ(x)`, `φ(x) = e^(-x²/2)/√(2π)`.
    public func gelu(approximate: Bool = false) -> Variable {
        if approximate {
            let c = (2 / Double.pi).squareRoot()
            return Variable.record("gelu(tanh)", value.applying(Elementwise.GeluTanh()), inputs: [self],
                                   derivative: "d/dx = 0.5(1+t) + 0.5x(1-t²)√(2/π)(1+3·0.044715x²), t = tanh(√(2/π)(x+0.044715x³))") { g, _ in
                let x = self
                let t = ((x + x * x * x * 0.044715) * c).tanh()
                return [g * ((1 + t) * 0.5 + x * (1 - t * t) * (x * x * (3 * 0.044715) + 1) * (0.5 * c))]
            }
        }
        return Variable.record("gelu", value.applying(Elementwise.Gelu()), inputs: [self],
                               derivative: "d gelu(x)/dx = Φ(x) + x φ(x)") { g, _ in
            let x = self
            let cdf = ((x * (1 / 2.0.squareRoot())).erf() + 1) * 0.5
            let pdf = (x * x * -0.5).exp() * (1 / (2 * Double.pi).squareRoot())
            return [g * (cdf + x * pdf)]
        }
    }

    /// `softplus(x) = (1/β) ln(1 + e^(βx))`, and `x` itself where `βx > threshold` (PyTorch's
    /// defaults β = 1, threshold = 20); derivative `σ(βx)`.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Variable {
        Variable.record("softplus", value.applying(Elementwise.Softplus(beta: beta, threshold: threshold)), inputs: [self],
                        derivative: "d softplus(x)/dx = σ(βx)") { g, _ in
            let linear = (self.value * beta).greater(than: threshold)
            return [Variable.select(linear, g, g * (self * beta).sigmoid())]
        }
    }

    /// ELU: `x` for `x > 0`, else `α(e^x - 1)`; derivative `α e^x` for `x ≤ 0`, else 1.
    public func elu(alpha: Double = 1) -> Variable {
        Variable.record("elu", value.applying(Elementwise.Elu(alpha: alpha)), inputs: [self],
                        derivative: "d elu(x)/dx = α e^x if x <= 0 else 1") { g, _ in
            [Variable.select(self.value.applying(Elementwise.ReluDerivative()), g, g * self.exp() * alpha)]
        }
    }

    /// `min(max(x, low), high)`; derivative 1 where `low ≤ x ≤ high`, else 0 (as PyTorch).
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Variable {
        Variable.record("clamp", value.clamped(min: low, max: high), inputs: [self],
                        derivative: "d clamp(x)/dx = 1 if low <= x <= high else 0") { g, _ in
            [g.multiplied(byConstant: self.value.applying(Elementwise.InRange(low: low, high: high)))]
        }
    }
}

// The element functions of the activations, and their rules fused for the fast paths.
extension Elementwise {
    /// relu's derivative: 0 where `x ≤ 0`, else 1 (also at NaN, as PyTorch's `threshold_backward`).
    struct ReluDerivative: UnaryFunction {
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x <= 0 ? 0 : 1 }
    }
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
    /// 1 where `low ≤ x ≤ high` (where clamp passes its gradient through).
    struct InRange: UnaryFunction {
        let low: Double, high: Double
        @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x >= T(low) && x <= T(high) ? 1 : 0 }
    }
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
}
