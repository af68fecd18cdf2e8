import CBackpropKernels
import Synchronization

/// Matrix multiply on raw row-major buffers: `C = alpha * op(A) * op(B) + beta * C`.
///
/// The transposed variants read A or B transposed in place (the C kernel's packing routines
/// absorb the transpose panel by panel), so backward passes (`dA = dC · Bᵀ`, `dB = Aᵀ · dC`)
/// never copy a transposed matrix.
///
/// Threading: work is split over ``Threading/threadCount`` threads by blocks of rows of C or
/// by blocks of columns of C (whichever duplicates less packing work, see `gemm`), never over
/// the summation index k. The C kernels compute every element of C with
/// an operation sequence that depends only on k, alpha and beta (see the contract at the top of
/// `gemm.c`), so results are bit-identical whatever the thread count and split.
enum MatrixMultiply {
    /// Rows per split unit: the micro-tile height of the C kernel's float path (8 on AVX-512 and
    /// NEON, 6 on AVX2), so no thread's share ends in a ragged, partly wasted tile.
    private static var rowGranule: Int { Int(bp_sgemm_tile_rows()) }
    /// Columns per split unit: a multiple of the C kernels' micro-tile widths (32, 16).
    private static let columnGranule = 32

    static func gemm<T: TensorScalar>(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: T = 1, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T = 0, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        let work = m * n * max(k, 1)
        let threads = Threading.threadCount
        // Which split duplicates the least packing: with a row split every thread packs all of
        // op(B) (unless B is not transposed and the row blocks are small enough for the kernel to
        // read B in place, see BP_DIRECT_B_MAX_M in gemm.c); with a column split every thread
        // packs all of op(A). Either way the results are the same.
        let rowGranule = Self.rowGranule
        let rowsPerThread = (m + threads - 1) / max(threads, 1)
        let rowUnits = (m + rowGranule - 1) / rowGranule
        let columnUnits = (n + columnGranule - 1) / columnGranule
        var splitRows = (!transB && rowsPerThread <= 256) || m >= n
        // ... unless that side is too short to give every thread a share and the other is not.
        if splitRows && rowUnits < threads && columnUnits > rowUnits { splitRows = false }
        if !splitRows && columnUnits < threads && rowUnits > columnUnits { splitRows = true }
        let units = splitRows ? rowUnits : columnUnits
        // Below ~2 MFLOP the thread hand-off costs more than it saves.
        let parts = (threads <= 1 || work < 1 << 20) ? 1 : min(threads, units)
        if parts == 1 {
            kernel(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        // Dynamic schedule: when pieces cost no extra packing (row split with B read in place by
        // the kernel), cut the work into up to 4 pieces per thread, at least 32 rows and ~2 MFLOP
        // each, and let the `parts` workers claim them in turn, so a worker that gets less CPU
        // (busy machine) does not hold up the others. Otherwise one piece per worker.
        var pieces = parts
        if splitRows && !transB && rowsPerThread <= 256 {
            pieces = max(parts, min(units, parts * 4, m / 32, work >> 20))
        }
        let next = Atomic<Int>(0)
        parallelFor(parts, costPerItem: 1 << 15) { _ in
            while true {
                let piece = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if piece >= pieces { return }
                run(piece: chunk(units, part: piece, of: pieces))
            }
        }

        func run(piece u: Range<Int>) {
            if u.isEmpty { return }
            if splitRows {
                let lo = u.lowerBound * rowGranule, hi = min(m, u.upperBound * rowGranule)
                if lo >= hi { return }
                let aOffset = transA ? lo : lo * lda
                kernel(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                       a: a + aOffset, lda: lda, b: b, ldb: ldb, beta: beta,
                       c: c + lo * ldc, ldc: ldc)
            } else {
                let lo = u.lowerBound * columnGranule, hi = min(n, u.upperBound * columnGranule)
                if lo >= hi { return }
                let bOffset = transB ? lo * ldb : lo
                kernel(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha,
                       a: a, lda: lda, b: b + bOffset, ldb: ldb, beta: beta,
                       c: c + lo, ldc: ldc)
            }
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
