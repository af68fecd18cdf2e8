import CBackpropKernels

/// Matrix multiply on raw row-major buffers: `C = alpha * op(A) * op(B) + beta * C`.
///
/// The transposed variants read A or B transposed in place, so backward passes
/// (`dA = dC · Bᵀ`, `dB = Aᵀ · dC`) never copy a transposed matrix. Work is split over
/// ``Threading/threadCount`` threads by blocks of rows of C; each block is computed by the
/// single-threaded C kernel `bp_sgemm` / `bp_dgemm`.
enum MatrixMultiply {
    static func gemm<T: TensorScalar>(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: T = 1, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T = 0, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        let threads = min(Threading.threadCount, max(1, m / 16))
        let parts = (m * n * k < 1 << 16) ? 1 : threads
        parallelFor(parts, costPerItem: 1 << 15) { part in
            let rows = chunk(m, part: part, of: parts)
            if rows.isEmpty { return }
            let aOffset = transA ? rows.lowerBound : rows.lowerBound * lda
            kernel(transA: transA, transB: transB, m: rows.count, n: n, k: k, alpha: alpha,
                   a: a + aOffset, lda: lda, b: b, ldb: ldb, beta: beta,
                   c: c + rows.lowerBound * ldc, ldc: ldc)
        }
    }

    @inline(__always)
    private static func kernel<T: TensorScalar>(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int, beta: T,
        c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        if T.self == Float.self {
            bp_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, Float(alpha),
                     UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), lda,
                     UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb, Float(beta),
                     UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc)
        } else {
            bp_dgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, Double(alpha),
                     UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), lda,
                     UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), ldb, Double(beta),
                     UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), ldc)
        }
    }
}
