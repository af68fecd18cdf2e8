import CBackpropKernels

/// Element functions written without libm calls, so that loops over them vectorise.

/// `tanh` of a `Float`, evaluated in `Double` and rounded once: correctly rounded for all but
/// about 1 in 50 million inputs (then off by one unit in the last place), where glibc's
/// `tanhf` is off by one unit for about 3% of inputs.
///
/// `tanh(a) = 1 - 2 / (e^(2a) + 1)` for `a = |x|` (clamped at 9.1, beyond which it rounds to
/// 1), with `e^(2a) = 2^n · e^r`, `n = round(2a / ln 2)`, `|r| <= ln 2 / 2` and `e^r` by its
/// Taylor series to degree 11 (relative error below 1e-12); below `2^-5` the series
/// `a - a³/3 + 2a⁵/15 - 17a⁷/315` avoids the cancellation in `1 - 2/(e^(2a) + 1)`.
@inline(__always)
@usableFromInline func tanhFloat(_ x: Float) -> Float {
    tanhFloat4(SIMD4(repeating: x))[0]
}

/// ``tanhFloat(_:)`` on four lanes at once with Swift SIMD types (SSE-wide on baseline x86-64);
/// the scalar function is this one on a splatted vector, so both give identical results.
@inline(__always)
func tanhFloat4(_ x: SIMD4<Float>) -> SIMD4<Float> {
    let ax = unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt32>.self) & 0x7FFF_FFFF, to: SIMD4<Float>.self)
    let a = SIMD4<Double>(ax.replacing(with: 9.1, where: ax .> 9.1))
    let y = 2 * a
    let magic = SIMD4<Double>(repeating: 6755399441055744.0)
    let shifted = y * 1.4426950408889634 + magic
    let n = shifted - magic
    let r = (y - n * 0.6931471805598903) - n * 5.497923018708371e-14
    var p = SIMD4<Double>(repeating: 1.0 / 39916800)
    p = p * r + 1.0 / 3628800
    p = p * r + 1.0 / 362880
    p = p * r + 1.0 / 40320
    p = p * r + 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- unsafeBitCast(magic, to: SIMD4<UInt64>.self) &+ 1023) &<< 52, to: SIMD4<Double>.self)
    let denominator: SIMD4<Double> = p * scale + 1
    let large: SIMD4<Double> = 1 - 2 / denominator
    let a2 = a * a
    var q = a2 * (-17.0 / 315) + 2.0 / 15
    q = a2 * q - 1.0 / 3
    q = a2 * q + 1
    let small = a * q
    let t = SIMD4<Float>(large.replacing(with: small, where: a .< 0x1p-5))
    return unsafeBitCast(unsafeBitCast(t, to: SIMD4<UInt32>.self) | (unsafeBitCast(x, to: SIMD4<UInt32>.self) & 0x8000_0000), to: SIMD4<Float>.self)
}

enum FastMathKernels {
    /// `out[i] = tanh(x[i])` for `Float`: `bp_tanh_f32` (vector_tanh.c), the same operations as
    /// ``tanhFloat4(_:)`` on AVX-512 or AVX2 vectors of doubles, split over threads when large.
    static func tanh(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        let parts = count >= 1 << 14 ? Threading.threadCount : 1
        parallelFor(parts, costPerItem: 1 << 16) { part in
            let range = chunk(count, part: part, of: parts)
            bp_tanh_f32(x + range.lowerBound, out + range.lowerBound, range.count)
        }
    }
}
