import BackpropTensor
extension Variable {
    /// Sum over `axes` (all when `nil`); each input element's derivative is 1, so the gradient
    /// is the output gradient broadcast back.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let source = shape
        let keptShape = value.reducedShape(value.reductionAxes(axes, operation: "sum"), keepDims: true)
        return Variable.record("sum", value.sum(axes: axes, keepDims: keepDims), inputs: [self],
                               derivative: "d Σx/dx_i = 1") { g, _ in
            if !GradMode.isEnabled { return [Variable(g.value.reshaped(keptShape).broadcast(to: source))] }
            return [g.reshaped(keptShape).broadcast(to: source)]
        }
    }

    /// Mean over `axes` (all when `nil`): `Σx / n`, derivative `1/n` for each element.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let n = value.reductionAxes(axes, operation: "mean").reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Double(n))
    }

    /// Maximum over `axes` (all when `nil`). The gradient goes to the maximal elements, split
    /// evenly among ties (PyTorch's `amax`).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let kept = value.max(axes: axes, keepDims: true)
        let keptShape = kept.shape
        let out = keepDims ? kept : kept.reshaped(value.reducedShape(value.reductionAxes(axes, operation: "max"), keepDims: false))
        return Variable.record("max", out, inputs: [self], derivative: "d max(x)/dx_i = 1 at the maximum (split among ties), else 0") { g, _ in
            let mask = self.value.equal(kept)
            let weight = mask / mask.sum(axes: axes, keepDims: true)
            return [g.reshaped(keptShape).broadcast(to: self.shape).multiplied(byConstant: weight)]
        }
    }

    /// `log Σ e^x` over `axes`, computed stably; `∂/∂x_i = softmax(x)_i`.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let reduced = value.reductionAxes(axes, operation: "logSumExp")
        let keptShape = value.reducedShape(reduced, keepDims: true)
        return Variable.record("logSumExp", value.logSumExp(axes: axes, keepDims: keepDims), inputs: [self],
                               derivative: "d logsumexp(x)/dx_i = softmax(x)_i") { g, y in
            // Over one axis the softmax kernel is exact; e^(x - y) would inherit y's rounding.
            let weights = reduced.count == 1 ? self.softmax(axis: reduced[0]) : (self - y.reshaped(keptShape)).exp()
            return [g.reshaped(keptShape) * weights]
        }
    }

    /// Softmax along `axis`: `y_i = e^(x_i) / Σ_j e^(x_j)` (computed stably);
    /// `∂L/∂x = y ⊙ (g - Σ_j g_j y_j)`.
    public func softmax(axis: Int = -1) -> Variable {
        Variable.record("softmax", value.softmax(axis: axis), inputs: [self],
                        derivative: "dy_i/dx_j = y_i(δ_ij - y_j)") { g, y in
            [y * (g - (g * y).sum(axes: [axis], keepDims: true))]
        }
    }

    /// Log-softmax along `axis`: `y_i = x_i - log Σ_j e^(x_j)`; `∂L/∂x = g - e^y Σ_j g_j`.
    public func logSoftmax(axis: Int = -1) -> Variable {
        Variable.record("logSoftmax", value.logSoftmax(axis: axis), inputs: [self],
                        derivative: "dy_i/dx_j = δ_ij - softmax(x)_j") { g, y in
            [g - y.exp() * g.sum(axes: [axis], keepDims: true)]
        }
    }
}
