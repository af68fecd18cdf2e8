import BackpropTensor
import BackpropAutograd
/// Binary cross-entropy on probabilities (PyTorch's `binary_cross_entropy`):
/// `ℓ_i = -(y_i · max(ln p_i, -100) + (1 - y_i) · max(ln(1 - p_i), -100))`.
///
/// The logarithms are clamped at -100 as in PyTorch, so the loss is finite at `p = 0` and
/// `p = 1`; the gradient is PyTorch's `∂ℓ/∂p = (p - y) / max(p(1 - p), 10⁻¹²)` and
/// `∂ℓ/∂y = max(ln(1 - p), -100) - max(ln p, -100)`. Prefer
/// ``binaryCrossEntropyWithLogits(_:_:positiveWeight:reduction:)-(_,Variable,_,_)`` on raw scores: it is exact for any score.
public func binaryCrossEntropy(_ probabilities: Variable, _ targets: Variable, reduction: Reduction = .mean) -> Variable {
    checkSameShape(probabilities.shape, targets.shape, loss: "binaryCrossEntropy")
    let p = probabilities, y = targets
    if let outside = p.value.scalars(as: Double.self).first(where: { !($0 >= 0 && $0 <= 1) }) {
        fatalError("binaryCrossEntropy: probabilities must lie in [0, 1], found \(outside); for raw scores use binaryCrossEntropyWithLogits")
    }
    let value = p.value.combining(y.value, BinaryCrossEntropyElement(), operation: "binaryCrossEntropy")
    return Variable.record("binaryCrossEntropy", value, inputs: [p, y],
                           derivative: "dℓ/dp = (p - y) / max(p(1-p), ε), ε = 1e-12, dℓ/dy = ln(1-p) - ln p") { g, _ in
        [p.requiresGrad ? g * (p - y) / (p * (1 - p)).clamped(min: bceEpsilon) : nil,
         y.requiresGrad ? g * ((1 - p).log().clamped(min: -100) - p.log().clamped(min: -100)) : nil]
    }.reduced(reduction, loss: "binaryCrossEntropy")
}

/// ``binaryCrossEntropy(_:_:reduction:)`` with constant targets.
public func binaryCrossEntropy(_ probabilities: Variable, _ targets: Tensor, reduction: Reduction = .mean) -> Variable {
    binaryCrossEntropy(probabilities, Variable(targets), reduction: reduction)
}

/// Binary cross-entropy on logits (PyTorch's `binary_cross_entropy_with_logits`), the loss of
/// `σ(x)` against `y` computed without forming `σ(x)`:
/// `ℓ_i = max(x_i, 0) - x_i y_i + ln(1 + e^(-|x_i|))`, exact and finite for logits of any size.
/// `∂ℓ/∂x = σ(x) - y`, `∂ℓ/∂y = -x`.
///
/// `positiveWeight` (PyTorch's `pos_weight`, broadcast against the logits, e.g. one weight per
/// class for `[batch, classes]`) weighs the positive term:
/// `ℓ_i = (1 - y_i) x_i + (1 + (p_i - 1) y_i) · softplus(-x_i)`, `softplus(-x) = ln(1 + e^(-|x|)) + max(-x, 0)`;
/// then `∂ℓ/∂x = (1 - y) - (1 + (p - 1) y) σ(-x)` and `∂ℓ/∂y = -x + (p - 1) softplus(-x)`.
public func binaryCrossEntropyWithLogits(_ logits: Variable, _ targets: Variable, positiveWeight: Tensor? = nil,
                                         reduction: Reduction = .mean) -> Variable {
    checkSameShape(logits.shape, targets.shape, loss: "binaryCrossEntropyWithLogits")
    let x = logits, y = targets
    guard let positiveWeight else {
        let value = x.value.combining(y.value, LogisticLossElement(), operation: "binaryCrossEntropyWithLogits")
        return Variable.record("binaryCrossEntropyWithLogits", value, inputs: [x, y],
                               derivative: "dℓ/dx = σ(x) - y, dℓ/dy = -x") { g, _ in
            [x.requiresGrad ? g * (x.sigmoid() - y) : nil, y.requiresGrad ? -g * x : nil]
        }.reduced(reduction, loss: "binaryCrossEntropyWithLogits")
    }
    let p = Variable(positiveWeight.converted(to: x.dtype))
    guard Shape.broadcast(positiveWeight.shape, x.shape, operation: "binaryCrossEntropyWithLogits") == x.shape else {
        fatalError("binaryCrossEntropyWithLogits: positiveWeight of shape \(positiveWeight.shape) does not broadcast to the logits' shape \(x.shape)")
    }
    // softplus(-x) = ln(1 + e^(-x)): finite for any x (linear above 20, as PyTorch's softplus),
    // with derivative σ(-x) everywhere.
    let softplusNegative = (-x).softplus()
    let logWeight = (p - 1) * y + 1
    return ((1 - y) * x + logWeight * softplusNegative).reduced(reduction, loss: "binaryCrossEntropyWithLogits")
}

/// ``binaryCrossEntropyWithLogits(_:_:positiveWeight:reduction:)-(_,Variable,_,_)`` with constant targets.
public func binaryCrossEntropyWithLogits(_ logits: Variable, _ targets: Tensor, positiveWeight: Tensor? = nil,
                                         reduction: Reduction = .mean) -> Variable {
    binaryCrossEntropyWithLogits(logits, Variable(targets), positiveWeight: positiveWeight, reduction: reduction)
}

/// `-(y · max(ln p, -100) + (1 - y) · max(ln(1 - p), -100))` for one element.
struct BinaryCrossEntropyElement: BinaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ p: T, _ y: T) -> T {
        let logP = Swift.max(T.log(p), -100)
        let logNotP = Swift.max(T.log1p(-p), -100)
        return -(y * logP + (1 - y) * logNotP)
    }
}

/// `max(x, 0) - x·y + ln(1 + e^(-|x|))` for one element.
struct LogisticLossElement: BinaryFunction {
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T, _ y: T) -> T {
        Swift.max(x, 0) - x * y + T.log1p(T.exp(-Swift.abs(x)))
    }
}

/// The floor of `p(1 - p)` in the gradient of binary cross-entropy: PyTorch's `1e-12`, which
/// it applies in single precision (so `∂ℓ/∂p` at `p = 0, y = 1` is `-1.000000004e12`, not `-1e12`).
let bceEpsilon = Double(Float(1e-12))
