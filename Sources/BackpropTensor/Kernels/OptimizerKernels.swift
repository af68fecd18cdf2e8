import CBackpropKernels

/// Vectorised inner loops of the optimizers, for their common configurations.
///
/// Each computes exactly the operations, in the same order, of the optimizer's scalar loop, so
/// results are bit-identical to it. The Adam loop is in C (`bp_adam_f32`): Swift's
/// `Float.squareRoot()` does not vectorise.
package enum OptimizerKernels {
    /// PyTorch's Adam step without weight decay or AMSGrad, for `Float`:
    /// `m ← m + (1-β₁)(g - m)`, `v ← β₂ v + ((1-β₂) g) g`,
    /// `w ← w + (stepSize · m) / (√v / correction2 + ε)` with `stepSize = -lr / (1 - β₁ᵗ)`.
    /// `oneMinusBeta1` must be below ½ (the branch of `lerp` this form computes).
    package static func adam(
        weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
        firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>, count n: Int,
        stepSize: Float, correction2: Float, oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float, eps: Float
    ) {
        let parts = n >= 1 << 14 ? Threading.threadCount : 1
        parallelFor(parts, costPerItem: 1 << 16) { part in
            let range = chunk(n, part: part, of: parts)
            bp_adam_f32(w + range.lowerBound, g + range.lowerBound, m + range.lowerBound, v + range.lowerBound,
                        range.count, stepSize, correction2, oneMinusBeta1, beta2, oneMinusBeta2, eps)
        }
    }
}
