#ifndef BACKPROP_KERNELS_H
#define BACKPROP_KERNELS_H

#include <stddef.h>
#include "BackpropVectorMath.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Row-major general matrix multiply on a block of the output:
///   C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C
/// where op(X) is X or its transpose (transA / transB non-zero). lda, ldb, ldc are the row
/// strides (in elements) of A, B and C as stored. Single-threaded: callers split the work.
void bp_sgemm(int transA, int transB, long m, long n, long k,
              float alpha, const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// Double-precision twin of `bp_sgemm` (gradient checks run in Double).
void bp_dgemm(int transA, int transB, long m, long n, long k,
              double alpha, const double *a, long lda, const double *b, long ldb,
              double beta, double *c, long ldc);

#ifdef __cplusplus
}
#endif

#endif
