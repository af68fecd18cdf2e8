#include "BackpropKernels.h"

// Portable reference kernels. i-k-j loop order keeps the inner loop contiguous in B and C
// so the compiler can vectorise it on any CPU.
#define DEFINE_GEMM(NAME, T)                                                              \
void NAME(int transA, int transB, long m, long n, long k, T alpha, const T *a, long lda, \
          const T *b, long ldb, T beta, T *c, long ldc) {                                \
    for (long i = 0; i < m; i++) {                                                        \
        T *crow = c + i * ldc;                                                            \
        if (beta == 0) { for (long j = 0; j < n; j++) crow[j] = 0; }                      \
        else if (beta != 1) { for (long j = 0; j < n; j++) crow[j] *= beta; }             \
        for (long p = 0; p < k; p++) {                                                    \
            T aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);                   \
            if (!transB) {                                                                \
                const T *brow = b + p * ldb;                                              \
                for (long j = 0; j < n; j++) crow[j] += aip * brow[j];                    \
            } else {                                                                      \
                for (long j = 0; j < n; j++) crow[j] += aip * b[j * ldb + p];             \
            }                                                                             \
        }                                                                                 \
    }                                                                                     \
}

DEFINE_GEMM(bp_sgemm, float)
DEFINE_GEMM(bp_dgemm, double)
