import CBackpropKernels

/// The pieces the optimizers' fused `float32` kernels are written with (see
/// ``OptimizerBase/fusedUpdate(_:gradient:state:group:)``). A fused kernel computes exactly
/// the operations of the optimizer's readable rule, in the same order, element by element, so
/// its results are bit-identical to the rule; it only avoids the rule's temporary tensors.
package enum OptimizerKernels {
    /// PyTorch's Adam step without weight decay or AMSGrad, in C (`bp_adam_f32`; Swift's
    /// `Float.squareRoot()` does not vectorise), split over threads for large parameters:
    /// `m ← m + (1-β₁)(g - m)`, `v ← β₂ v + ((1-β₂) g) g`,
    /// `w ← w + (stepSize · m) / (√v / correction2 + ε)` with `stepSize = -lr / (1 - β₁ᵗ)`.
    /// `oneMinusBeta1` must be below ½ (the branch of ``Tensor/lerp(_:weight:)`` this form computes).
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

/// The scalar form of ``Tensor/lerp(_:weight:)``.
@inline(__always)
package func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
    Swift.abs(w) < 0.5 ? a + (b - a) * w : b - (b - a) * (1 - w)
}

/// One block of a fused update (see ``forEachBlock(count:gradient:weights:l2Decay:_:)``).
/// Its pointers are indexed by element index `i` in ``range``.
package struct UpdateBlock {
    /// The element indices of this block.
    package let range: Range<Int>
    /// The gradient, with the L2 term `w λ` already added when there is one.
    package let gradient: UnsafePointer<Float>
    /// Free space for the update's intermediate values.
    package let scratch: UnsafeMutablePointer<Float>
    /// More free space, for updates that need two intermediate values per element.
    package let scratch2: UnsafeMutablePointer<Float>

    /// `x[i] = √x[i]` over the block (`x` is ``scratch`` or ``scratch2``), in one vectorised pass (C).
    package func takeSquareRoots(_ x: UnsafeMutablePointer<Float>) { bp_sqrt_f32(x + range.lowerBound, range.count) }
}

/// Runs a fused update over `0..<count` in blocks of up to 1024 elements, with scratch space on
/// the stack. An update written as a few short passes over a block (which stays in cache), each
/// a plain loop without branches, vectorises; one loop with the options' branches and a
/// `squareRoot()` call does not (on Linux `squareRoot()` calls libm's `sqrtf`, whose errno
/// contract keeps the loop scalar; ``UpdateBlock/takeSquareRoots(_:)`` avoids it).
@inline(__always)
package func forEachBlock(count: Int, gradient g: UnsafePointer<Float>, weights w: UnsafePointer<Float>, l2Decay: Double,
                  _ body: (UpdateBlock) -> Void) {
    let blockSize = 1024
    let capacity = Swift.max(1, Swift.min(count, blockSize))
    let decay = Float(l2Decay)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * capacity) { buffer in
        // Offset so that element indices address them (only indices in the block are used).
        var start = 0
        while start < count {
            let range = start..<Swift.min(start + blockSize, count)
            let scratch = buffer.baseAddress! - range.lowerBound
            var gradient = g
            if l2Decay != 0 {
                let decayed = scratch + 2 * capacity
                for i in range { decayed[i] = g[i] + w[i] * decay }
                gradient = UnsafePointer(decayed)
            }
            body(UpdateBlock(range: range, gradient: gradient, scratch: scratch, scratch2: scratch + capacity))
            start = range.upperBound
        }
    }
}

extension Tensor {
    /// The address of this tensor's `float32` elements after giving it storage of its own;
    /// valid while the owner keeps this tensor unchanged in place.
    package mutating func uniquePointer(_: Float.Type) -> UnsafeMutablePointer<Float> {
        makeUnique()
        return buffer.pointer(Float.self)
    }
}
