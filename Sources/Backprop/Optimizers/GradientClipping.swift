/// Rescales the gradients so that their total norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`) and returns the total norm before clipping.
///
/// `‖g‖ = (Σ_params Σ_i |g_i|^p)^(1/p)` over all gradients together (`p = .infinity`: the
/// largest `|g_i|`); if `‖g‖ > maxNorm`, every gradient is multiplied by
/// `maxNorm / (‖g‖ + 1e-6)`. Parameters without a gradient are skipped.
@discardableResult
public func clipGradNorm(_ parameters: [Variable], maxNorm: Double, normType: Double = 2) -> Double {
    guard normType > 0 else { fatalError("clipGradNorm: normType must be positive, got \(normType)") }
    let grads = parameters.compactMap(\.grad)
    var total = 0.0
    for g in grads {
        let values = g.scalars(as: Double.self)
        if normType == .infinity {
            total = Swift.max(total, values.reduce(0) { Swift.max($0, Swift.abs($1)) })
        } else if normType == 2 {
            total += values.reduce(0) { $0 + $1 * $1 }
        } else {
            total += values.reduce(0) { $0 + pow(Swift.abs($1), normType) }
        }
    }
    if normType != .infinity { total = normType == 2 ? total.squareRoot() : pow(total, 1 / normType) }
    let coefficient = maxNorm / (total + 1e-6)
    if coefficient < 1 {
        for p in parameters { if let g = p.grad { p.grad = g * coefficient } }
    }
    return total
}

/// Clamps every gradient element to `[-maxValue, maxValue]` (PyTorch's `clip_grad_value_`).
public func clipGradValue(_ parameters: [Variable], maxValue: Double) {
    guard maxValue >= 0 else { fatalError("clipGradValue: maxValue must be >= 0, got \(maxValue)") }
    for p in parameters { if let g = p.grad { p.grad = g.clamped(min: -maxValue, max: maxValue) } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
