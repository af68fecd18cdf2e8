#ifndef BACKPROP_KERNELS_H
#define BACKPROP_KERNELS_H

#include <stddef.h>
#include "BackpropVectorMath.h"
#include "BackpropVectorKernels.h"
#include "BackpropThreadPool.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Row-major general matrix multiply on a block of the output:
///   C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C
/// where op(X) is X or its transpose (transA / transB non-zero). lda, ldb, ldc are the row
/// strides (in elements) of A, B and C as stored. beta == 0 never reads C (NaNs there are
/// ignored); k == 0 gives C = beta * C. Single-threaded: callers split the work over rows
/// and/or columns of C. Each element's result depends only on its row of op(A), its column of
/// op(B), k, alpha, beta and its old value -- not on m, n, the split or the CPU's code path.
/// Uses AVX-512 or AVX2 when the CPU has them (checked once at run time), NEON on ARM64.
void bp_sgemm(int transA, int transB, long m, long n, long k,
              float alpha, const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// Double-precision twin of `bp_sgemm` (gradient checks run in Double).
void bp_dgemm(int transA, int transB, long m, long n, long k,
              double alpha, const double *a, long lda, const double *b, long ldb,
              double beta, double *c, long ldc);

/// Rows of C that the float micro-kernel of the selected code path computes at once (8 for
/// AVX-512 and NEON, 6 for AVX2, 1 for the portable loop). Callers that split C over threads
/// cut it at multiples of this, so that no thread computes a ragged, partly wasted tile.
int bp_sgemm_tile_rows(void);

/// Code paths of the kernels (BP_GEMM_ISA_BEST: the best one this CPU supports).
enum {
    BP_GEMM_ISA_BEST = 0,
    BP_GEMM_ISA_PORTABLE = 1,
    BP_GEMM_ISA_AVX2 = 2,    /* x86-64 AVX2 + FMA */
    BP_GEMM_ISA_AVX512 = 3,  /* x86-64 AVX-512F/VL + FMA */
    BP_GEMM_ISA_NEON = 4,    /* ARM64 Advanced SIMD */
    BP_GEMM_ISA_COUNT = 5,
};

/// Whether this CPU (and this build) can run code path `isa`: 1 or 0.
int bp_gemm_isa_supported(int isa);

/// Testing hook: makes `bp_sgemm` / `bp_dgemm` use the given code path (the best one this CPU
/// supports when `isa` is BP_GEMM_ISA_BEST or unsupported) and returns the path selected.
/// Every path computes each element with the same operation sequence, so results are
/// bit-identical whichever is selected (see gemm.c); this only exists to check that.
int bp_gemm_select_isa(int isa);

#ifdef __cplusplus
}
#endif

#endif
