import BackpropTensor
import BackpropAutograd
// Losses comparing a prediction with a real-valued target, elementwise. Each is composed of
// Variable operations, so its gradient (and second derivative) follows from theirs.

/// Mean squared error: `ℓ_i = (x_i - y_i)²`, reduced (PyTorch's `mse_loss`).
/// `∂ℓ_i/∂x_i = 2(x_i - y_i)`.
public func mseLoss(_ prediction: Variable, _ target: Variable, reduction: Reduction = .mean) -> Variable {
    checkSameShape(prediction.shape, target.shape, loss: "mseLoss")
    let d = prediction - target
    return (d * d).reduced(reduction, loss: "mseLoss")
}

/// ``mseLoss(_:_:reduction:)`` with a constant target.
public func mseLoss(_ prediction: Variable, _ target: Tensor, reduction: Reduction = .mean) -> Variable {
    mseLoss(prediction, Variable(target), reduction: reduction)
}

/// Mean absolute error: `ℓ_i = |x_i - y_i|`, reduced (PyTorch's `l1_loss`);
/// `∂ℓ_i/∂x_i = sign(x_i - y_i)` (0 where they are equal).
public func l1Loss(_ prediction: Variable, _ target: Variable, reduction: Reduction = .mean) -> Variable {
    checkSameShape(prediction.shape, target.shape, loss: "l1Loss")
    return (prediction - target).abs().reduced(reduction, loss: "l1Loss")
}

/// ``l1Loss(_:_:reduction:)`` with a constant target.
public func l1Loss(_ prediction: Variable, _ target: Tensor, reduction: Reduction = .mean) -> Variable {
    l1Loss(prediction, Variable(target), reduction: reduction)
}

/// Huber loss (PyTorch's `huber_loss`), quadratic near zero and linear beyond `delta`:
/// `ℓ_i = ½ d_i²` if `|d_i| < δ`, else `δ(|d_i| - ½δ)`, with `d = x - y`.
public func huberLoss(_ prediction: Variable, _ target: Variable, delta: Double = 1, reduction: Reduction = .mean) -> Variable {
    checkSameShape(prediction.shape, target.shape, loss: "huberLoss")
    guard delta > 0 else { fatalError("huberLoss: delta must be positive, got \(delta)") }
    let d = prediction - target
    let a = d.abs()
    let inside = a.value.applying(LessThanScalar(threshold: delta))
    return Variable.select(inside, d * d * 0.5, (a - 0.5 * delta) * delta).reduced(reduction, loss: "huberLoss")
}

/// ``huberLoss(_:_:delta:reduction:)`` with a constant target.
public func huberLoss(_ prediction: Variable, _ target: Tensor, delta: Double = 1, reduction: Reduction = .mean) -> Variable {
    huberLoss(prediction, Variable(target), delta: delta, reduction: reduction)
}

/// Smooth L1 loss (PyTorch's `smooth_l1_loss`): `ℓ_i = ½ d_i² / β` if `|d_i| < β`, else
/// `|d_i| - ½β`, with `d = x - y`; `β = 0` gives the L1 loss. Equals Huber / β.
public func smoothL1Loss(_ prediction: Variable, _ target: Variable, beta: Double = 1, reduction: Reduction = .mean) -> Variable {
    checkSameShape(prediction.shape, target.shape, loss: "smoothL1Loss")
    guard beta >= 0 else { fatalError("smoothL1Loss: beta must not be negative, got \(beta)") }
    if beta == 0 { return l1Loss(prediction, target, reduction: reduction) }
    let d = prediction - target
    let a = d.abs()
    let inside = a.value.applying(LessThanScalar(threshold: beta))
    return Variable.select(inside, d * d * (0.5 / beta), a - 0.5 * beta).reduced(reduction, loss: "smoothL1Loss")
}

/// ``smoothL1Loss(_:_:beta:reduction:)`` with a constant target.
public func smoothL1Loss(_ prediction: Variable, _ target: Tensor, beta: Double = 1, reduction: Reduction = .mean) -> Variable {
    smoothL1Loss(prediction, Variable(target), beta: beta, reduction: reduction)
}

/// 1 where `x < threshold`, else 0.
struct LessThanScalar: UnaryFunction {
    let threshold: Double
    @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x < T(threshold) ? 1 : 0 }
}
