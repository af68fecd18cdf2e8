import BackpropTensor
// Arithmetic with NumPy broadcasting. The gradient of a broadcast input is the output
// gradient summed back over the axes it was broadcast along (`summed(toShape:)`).

extension Variable {
    /// `a + b`; `∂/∂a = 1`, `∂/∂b = 1`.
    public static func + (a: Variable, b: Variable) -> Variable {
        record("add", a.value + b.value, inputs: [a, b], derivative: "d(a+b)/da = 1, d(a+b)/db = 1") { g, _ in
            [a.requiresGrad ? g.summed(toShape: a.shape) : nil, b.requiresGrad ? g.summed(toShape: b.shape) : nil]
        }
    }

    /// `a - b`; `∂/∂a = 1`, `∂/∂b = -1`.
    public static func - (a: Variable, b: Variable) -> Variable {
        record("sub", a.value - b.value, inputs: [a, b], derivative: "d(a-b)/da = 1, d(a-b)/db = -1") { g, _ in
            [a.requiresGrad ? g.summed(toShape: a.shape) : nil, b.requiresGrad ? (-g).summed(toShape: b.shape) : nil]
        }
    }

    /// `a * b` elementwise; `∂/∂a = b`, `∂/∂b = a`.
    public static func * (a: Variable, b: Variable) -> Variable {
        record("mul", a.value * b.value, inputs: [a, b], derivative: "d(a*b)/da = b, d(a*b)/db = a") { g, _ in
            if a === b && !GradMode.isEnabled {
                // x·x: both gradients are g·x, computed once (backward adds them up).
                let ga = g * a
                return [ga, ga]
            }
            return [a.requiresGrad ? (g * b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (g * a).summed(toShape: b.shape) : nil]
        }
    }

    /// `a / b` elementwise; `∂/∂a = 1/b`, `∂/∂b = -a/b²`.
    public static func / (a: Variable, b: Variable) -> Variable {
        record("div", a.value / b.value, inputs: [a, b], derivative: "d(a/b)/da = 1/b, d(a/b)/db = -a/b²") { g, _ in
            [a.requiresGrad ? (g / b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (-g * a / (b * b)).summed(toShape: b.shape) : nil]
        }
    }

    /// `-x`; `d(-x)/dx = -1`.
    public static prefix func - (x: Variable) -> Variable {
        record("neg", -x.value, inputs: [x], derivative: "d(-x)/dx = -1") { g, _ in [-g] }
    }

    /// `x + c` for a constant `c`.
    public static func + (x: Variable, c: Double) -> Variable {
        record("add", x.value + c, inputs: [x], derivative: "d(x+c)/dx = 1") { g, _ in [g] }
    }
    public static func + (c: Double, x: Variable) -> Variable { x + c }
    /// `x - c` for a constant `c`.
    public static func - (x: Variable, c: Double) -> Variable { x + (-c) }
    /// `c - x` for a constant `c`.
    public static func - (c: Double, x: Variable) -> Variable { -x + c }

    /// `x * c` for a constant `c`; `d(cx)/dx = c`.
    public static func * (x: Variable, c: Double) -> Variable {
        record("mul", x.value * c, inputs: [x], derivative: "d(c*x)/dx = c") { g, _ in [g * c] }
    }
    public static func * (c: Double, x: Variable) -> Variable { x * c }
    /// `x / c` for a constant `c`.
    public static func / (x: Variable, c: Double) -> Variable { x * (1 / c) }
    /// `c / x` for a constant `c`; `d(c/x)/dx = -c/x²`.
    public static func / (c: Double, x: Variable) -> Variable {
        record("div", c / x.value, inputs: [x], derivative: "d(c/x)/dx = -c/x²") { g, _ in [-g * c / (x * x)] }
    }

    /// `x * m` for a constant tensor `m` (masks, fixed weights); the gradient is `g * m`.
    public func multiplied(byConstant m: Tensor) -> Variable {
        self * Variable(m)
    }

    /// `x^p` for a constant exponent; `d x^p/dx = p x^(p-1)`.
    ///
    /// At `x = 0` with `p = 0` the gradient is 0, as in PyTorch (not `0 * 0^-1 = NaN`).
    public func pow(_ p: Double) -> Variable {
        Variable.record("pow", value.pow(p), inputs: [self], derivative: "d x^p/dx = p x^(p-1)") { g, _ in
            if p == 0 { return [g * 0] }
            if p == 1 { return [g] }
            if p == 2 { return [g * self * 2] }
            return [g * p * self.pow(p - 1)]
        }
    }

    /// `a^b` elementwise with both operands variable; `∂/∂a = b a^(b-1)`, `∂/∂b = a^b ln a`.
    ///
    /// Where `a = 0`, `∂/∂b` is taken as 0 (the limit of `a^b ln a` for `b > 0`), as in PyTorch.
    public func pow(_ b: Variable) -> Variable {
        let a = self
        return Variable.record("pow", a.value.pow(b.value), inputs: [a, b],
                               derivative: "d a^b/da = b a^(b-1), d a^b/db = a^b ln a") { g, y in
            let da = a.requiresGrad ? (g * b * a.pow(b - 1)).summed(toShape: a.shape) : nil
            var db: Variable? = nil
            if b.requiresGrad {
                let nonZero = Variable(a.value.abs().greater(than: 0))
                // ln a where a != 0, and 0 elsewhere (adding 1 where a == 0 keeps log finite).
                let safeLog = (a + (1 - nonZero)).log() * nonZero
                db = (g * y * safeLog).summed(toShape: b.shape)
            }
            return [da, db]
        }
    }

    /// `x²`.
    public func squared() -> Variable { pow(2) }

    /// Sums a broadcast value back to `shape` (the gradient of broadcasting);
    /// its own gradient broadcasts back.
    public func summed(toShape target: [Int]) -> Variable {
        if shape == target { return self }
        let source = shape
        return Variable.record("sumToShape", value.summed(toShape: target), inputs: [self],
                               derivative: "gradient is broadcast back") { g, _ in [g.broadcast(to: source)] }
    }

    /// This value repeated along size-1 or missing leading axes to fill `target`.
    public func broadcast(to target: [Int]) -> Variable {
        if shape == target { return self }
        let source = shape
        return Variable.record("broadcast", value.broadcast(to: target), inputs: [self],
                               derivative: "gradient is summed over the broadcast axes") { g, _ in [g.summed(toShape: source)] }
    }
}
