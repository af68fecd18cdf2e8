import BackpropTensor
import BackpropAutograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rescales the gradients so that their total norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`) and returns the total norm before clipping.
///
/// `‖g‖ = (Σ_params Σ_i |g_i|^p)^(1/p)` over all gradients together (`p = .infinity`: the
/// largest `|g_i|`); if `‖g‖ > maxNorm`, every gradient is multiplied by
/// `maxNorm / (‖g‖ + 1e-6)`. Parameters without a gradient are skipped.
@discardableResult
public func clipGradNorm(_ parameters: [Variable], maxNorm: Double, normType: Double = 2) -> Double {
    guard normType > 0 else { fatalError("clipGradNorm: normType must be positive, got \(normType)") }
    guard maxNorm >= 0 else { fatalError("clipGradNorm: maxNorm must be >= 0, got \(maxNorm)") }
    var total = 0.0
    for g in parameters.compactMap(\.grad) {
        switch g.dtype {
        case .float32: g.withPointer(Float.self) { total = accumulateNorm(total, $0, count: g.count, normType) }
        case .float64: g.withPointer(Double.self) { total = accumulateNorm(total, $0, count: g.count, normType) }
        }
    }
    if normType != .infinity { total = normType == 2 ? total.squareRoot() : pow(total, 1 / normType) }
    let coefficient = maxNorm / (total + 1e-6)
    if coefficient < 1 {
        for p in parameters { if let g = p.grad { p.grad = g * coefficient } }
    }
    return total
}

/// Adds `Σ|x_i|^p` to `total` (for `p = ∞`: takes the maximum of `total` and `|x_i|`).
private func accumulateNorm<T: TensorScalar>(_ total: Double, _ x: UnsafePointer<T>, count: Int, _ p: Double) -> Double {
    var total = total
    if p == .infinity {
        for i in 0..<count { total = Swift.max(total, Double(Swift.abs(x[i]))) }
    } else if p == 2 {
        for i in 0..<count { let v = Double(x[i]); total += v * v }
    } else {
        for i in 0..<count { total += pow(Double(Swift.abs(x[i])), p) }
    }
    return total
}

/// Clamps every gradient element to `[-maxValue, maxValue]` (PyTorch's `clip_grad_value_`).
public func clipGradValue(_ parameters: [Variable], maxValue: Double) {
    guard maxValue >= 0 else { fatalError("clipGradValue: maxValue must be >= 0, got \(maxValue)") }
    for p in parameters { if let g = p.grad { p.grad = g.clamped(min: -maxValue, max: maxValue) } }
}
