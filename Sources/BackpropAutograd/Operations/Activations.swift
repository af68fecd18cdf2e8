import Foundation
import BackpropTensor

// Activation functions. Each forward value is one fused element kernel; each derivative is
// written with Variable operations so that second derivatives work too.

extension Variable {
    /// `tanh(x)`; `d tanh(x)/dx = 1 - tanh(x)²`.
    public func tanh() -> Variable {
        Variable.record("tanh", value.tanh(), inputs: [self], derivative: "d tanh(x)/dx = 1 - tanh(x)²") { g, y in
            // Without a graph to record, one fused kernel computes the same expression.
            if !GradMode.isEnabled { return [Variable(g.value.combining(y.value, TanhBackward(), operation: "tanh backward"))] }
            return [g * (1 - y * y)]
        }
    }

    /// `σ(x) = 1 / (1 + e^-x)`; `dσ/dx = σ(x)(1 - σ(x))`. Finite for inputs of any size.
    public func sigmoid() -> Variable {
        Variable.record("sigmoid", value.sigmoid(), inputs: [self], derivative: "d σ(x)/dx = σ(x)(1 - σ(x))") { g, y in
            if !GradMode.isEnabled { return [Variable(g.value.combining(y.value, SigmoidBackward(), operation: "sigmoid backward"))] }
            return [g * y * (1 - y)]
        }
    }

    /// `relu(x) = max(x, 0)`; derivative 1 for `x > 0`, else 0.
    public func relu() -> Variable {
        Variable.record("relu", value.relu(), inputs: [self], derivative: "d relu(x)/dx = 1 if x > 0 else 0") { g, _ in
            if !GradMode.isEnabled { return [Variable(g.value.combining(self.value, ReluBackward(), operation: "relu backward"))] }
            return [g.multiplied(byConstant: self.value.greater(than: 0))]
        }
    }

    /// `x` for `x > 0`, else `slope · x`; derivative 1 or `slope`.
    public func leakyRelu(negativeSlope slope: Double = 0.01) -> Variable {
        Variable.record("leakyRelu", value.applying(LeakyRelu(slope: slope)), inputs: [self],
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
            return Variable.record("gelu(tanh)", value.applying(GeluTanh()), inputs: [self],
                                   derivative: "d/dx = 0.5(1+t) + 0.5x(1-t²)√(2/π)(1+3·0.044715x²), t = tanh(√(2/π)(x+0.044715x³))") { g, _ in
                let x = self
                let t = ((x + x * x * x * 0.044715) * c).tanh()
                return [g * ((1 + t) * 0.5 + x * (1 - t * t) * (x * x * (3 * 0.044715) + 1) * (0.5 * c))]
            }
        }
        return Variable.record("gelu", value.applying(Gelu()), inputs: [self],
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
        Variable.record("softplus", value.applying(SoftplusFunction(beta: beta, threshold: threshold)), inputs: [self],
                        derivative: "d softplus(x)/dx = σ(βx)") { g, _ in
            let linear = (self.value * beta).greater(than: threshold)
            return [Variable.select(linear, g, g * (self * beta).sigmoid())]
        }
    }

    /// ELU: `x` for `x > 0`, else `α(e^x - 1)`; derivative 1 or `α e^x`.
    public func elu(alpha: Double = 1) -> Variable {
        Variable.record("elu", value.applying(Elu(alpha: alpha)), inputs: [self],
                        derivative: "d elu(x)/dx = 1 if x > 0 else α e^x") { g, _ in
            [Variable.select(self.value.greater(than: 0), g, g * self.exp() * alpha)]
        }
    }

    /// `min(max(x, low), high)`; derivative 1 where `low ≤ x ≤ high`, else 0 (as PyTorch).
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Variable {
        Variable.record("clamp", value.clamped(min: low, max: high), inputs: [self],
                        derivative: "d clamp(x)/dx = 1 if low <= x <= high else 0") { g, _ in
            [g.multiplied(byConstant: self.value.applying(InRange(low: low, high: high)))]
        }
    }
}

struct LeakyRelu: UnaryFunction {
    let slope: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : x * T(slope) }
}

struct Elu: UnaryFunction {
    let alpha: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : T(alpha) * (T.exp(x) - 1) }
}

struct SoftplusFunction: UnaryFunction {
    let beta: Double, threshold: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
        let bx = x * T(beta)
        return bx > T(threshold) ? x : T.log1p(T.exp(bx)) / T(beta)
    }
}

struct Gelu: UnaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
        x * (1 + T.erf(x * T(0.7071067811865476))) / 2
    }
}

struct GeluTanh: UnaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
        let c = T(0.7978845608028654)
        return x * (1 + T.tanh(c * (x + T(0.044715) * x * x * x))) / 2
    }
}

/// `g · (1 - y²)`: the tanh rule on the output `y`, fused (same operations, same order).
struct TanhBackward: BinaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ g: T, _ y: T) -> T { g * (1 - y * y) }
}

/// `(g · y) · (1 - y)`: the sigmoid rule on the output `y`, fused.
struct SigmoidBackward: BinaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ g: T, _ y: T) -> T { g * y * (1 - y) }
}

/// `g · [x > 0]`: the ReLU rule on the input `x`, fused (a multiply, so NaN and -0 behave as before).
struct ReluBackward: BinaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ g: T, _ x: T) -> T { g * (x > 0 ? 1 : 0) }
}
