// The networks of W1 and W2 written with Backprop's core operations, as a user would.
import Backprop

/// A stack of fully connected layers `y = x·Wᵀ + b` with an activation between them, initialised
/// like PyTorch's `nn.Linear` from one SplitMix64 (weight row-major first, then bias, layer by layer).
final class MLP {
    enum Activation { case relu, tanh }
    let weights: [Variable]
    let biases: [Variable]
    let activation: Activation

    init(sizes: [Int], activation: Activation, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var w: [Variable] = [], b: [Variable] = []
        for i in 0..<(sizes.count - 1) {
            let bound = 1 / Double(sizes[i]).squareRoot()
            w.append(Variable(Tensor.uniform([sizes[i + 1], sizes[i]], low: -bound, high: bound, using: &generator),
                              requiresGrad: true))
            b.append(Variable(Tensor.uniform([sizes[i + 1]], low: -bound, high: bound, using: &generator),
                              requiresGrad: true))
        }
        weights = w
        biases = b
        self.activation = activation
    }

    var parameters: [Variable] { zip(weights, biases).flatMap { [$0, $1] } }

    func callAsFunction(_ x: Variable) -> Variable {
        var h = x
        for i in weights.indices {
            h = h.matmul(weights[i], transposeOther: true) + biases[i]
            if i < weights.count - 1 { h = activation == .relu ? h.relu() : h.tanh() }
        }
        return h
    }

    func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Cross-entropy of logits `[batch, classes]` against class indices, mean over the batch:
/// `-(1/B) Σ_b log softmax(z_b)[y_b]`.
func crossEntropyLoss(_ logits: Variable, classes: [Int]) -> Variable {
    let b = logits.shape[0], c = logits.shape[1]
    var oneHot = [Float](repeating: 0, count: b * c)
    for (r, y) in classes.enumerated() { oneHot[r * c + y] = 1 }
    return -(logits.logSoftmax(axis: 1).multiplied(byConstant: Tensor(oneHot, shape: [b, c]))).sum() * (1 / Double(b))
}

/// Mean squared error, `mean((ŷ - y)²)`.
func meanSquaredError(_ prediction: Variable, _ target: Variable) -> Variable {
    let d = prediction - target
    return (d * d).mean()
}

/// PyTorch's Adam update (no weight decay):
/// `m ← m + (1-β₁)(g - m)`, `v ← β₂v + (1-β₂)g²`, `p ← p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + ε)`.
final class AdamByHand {
    let parameters: [Variable]
    let lr: Double, beta1: Double, beta2: Double, eps: Double
    var m: [Tensor], v: [Tensor]
    var t = 0

    init(parameters: [Variable], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8) {
        self.parameters = parameters
        self.lr = lr
        (beta1, beta2) = betas
        self.eps = eps
        m = parameters.map { Tensor.zeros(like: $0.value) }
        v = parameters.map { Tensor.zeros(like: $0.value) }
    }

    func step() {
        t += 1
        let bc1 = 1 - Foundation_pow(beta1, Double(t)), bc2Sqrt = (1 - Foundation_pow(beta2, Double(t))).squareRoot()
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            m[i] = m[i] + (g - m[i]) * (1 - beta1)
            v[i] = v[i] * beta2 + g * g * (1 - beta2)
            p.value = p.value - m[i] / (v[i].sqrt() / bc2Sqrt + eps) * (lr / bc1)
        }
    }

    func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Plain SGD, `p ← p - lr·g`.
final class SGDByHand {
    let parameters: [Variable]
    let lr: Double
    init(parameters: [Variable], lr: Double) { self.parameters = parameters; self.lr = lr }
    func step() { for p in parameters { if let g = p.grad { p.value = p.value - g * lr } } }
    func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

import Foundation
@inline(__always) func Foundation_pow(_ a: Double, _ b: Double) -> Double { pow(a, b) }
