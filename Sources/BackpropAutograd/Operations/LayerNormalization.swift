import BackpropTensor
// Layer normalisation (Ba, Kiros & Hinton 2016; PyTorch's `F.layer_norm`).

extension Variable {
    /// Normalises over the trailing axes `normalizedShape` (the last `normalizedShape.count`
    /// axes, which must equal it), then scales and shifts elementwise:
    /// `y = x̂ ⊙ weight + bias`, `x̂ = (x - μ) / √(σ² + eps)`, with `μ` and the biased variance
    /// `σ²` taken over those axes for each leading index.
    ///
    /// With `n` the number of normalised elements and `ĝ = g ⊙ weight`, the derivative is
    /// `∂L/∂x = (ĝ - mean(ĝ) - x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + eps)` (means over the normalised
    /// axes), `∂L/∂weight = Σ g ⊙ x̂`, `∂L/∂bias = Σ g` (sums over the leading axes).
    /// ```swift
    /// let x = Variable(Tensor([1, 2, 3, 4, 6, 8] as [Float], shape: [2, 3]))
    /// print(x.layerNorm([3]))    // each row becomes [-1.2247, 0, 1.2247]
    /// ```
    public func layerNorm(_ normalizedShape: [Int], weight: Variable? = nil, bias: Variable? = nil,
                          eps: Double = 1e-5) -> Variable {
        let k = normalizedShape.count
        guard k >= 1, rank >= k, Array(shape.suffix(k)) == normalizedShape else {
            fatalError("layerNorm: input of shape \(shape) does not end in the normalised shape \(normalizedShape)")
        }
        for (name, p) in [("weight", weight), ("bias", bias)] where p != nil && p!.shape != normalizedShape {
            fatalError("layerNorm: \(name) has shape \(p!.shape); expected the normalised shape \(normalizedShape)")
        }
        let axes = Array((rank - k)..<rank)
        let (savedXhat, savedRstd) = withNoGrad { Variable(value).normalizedOver(axes, eps: eps) }
        var y = savedXhat.value
        if let weight { y = y * weight.value }
        if let bias { y = y + bias.value }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Variable.record("layerNorm", y, inputs: inputs,
                               derivative: "dx = (ĝ - mean ĝ - x̂·mean(ĝ·x̂))/√(σ²+ε), ĝ = g·w; dw = Σ g·x̂; db = Σ g") { g, _ in
            // Recorded again from x when this backward pass builds a graph (second derivatives).
            let (xhat, rstd) = GradMode.isEnabled ? self.normalizedOver(axes, eps: eps) : (savedXhat, savedRstd)
            let gh = weight.map { g * $0 } ?? g
            var grads: [Variable?] = [nil]
            if self.requiresGrad {
                grads[0] = (gh - gh.mean(axes: axes, keepDims: true) - xhat * (gh * xhat).mean(axes: axes, keepDims: true)) * rstd
            }
            if let weight { grads.append(weight.requiresGrad ? (g * xhat).summed(toShape: normalizedShape) : nil) }
            if let bias { grads.append(bias.requiresGrad ? g.summed(toShape: normalizedShape) : nil) }
            return grads
        }
    }

    /// `(x̂, 1/√(σ² + eps))` over `axes`, the latter with those axes kept as size 1.
    private func normalizedOver(_ axes: [Int], eps: Double) -> (Variable, Variable) {
        let centred = self - mean(axes: axes, keepDims: true)
        let rstd = 1 / ((centred * centred).mean(axes: axes, keepDims: true) + eps).sqrt()
        return (centred * rstd, rstd)
    }
}
