// Matrix multiply kernels: C = alpha * op(A) * op(B) + beta * C, row-major.
//
// Float, AVX-512 (8 x 32 micro-tile), AVX2 (6 x 16) and NEON (8 x 12) -- after Goto / BLIS:
//   for each block of MC rows of C
//     for each block of the summation index (k cut into equal blocks <= S_KC, see below)
//       pack op(A)[rows, kblock] into MR-tall strips (alpha folded in)
//       for each block of NC columns of C
//         pack op(B)[kblock, cols] into NR-wide strips (zero padded)         -> stays in L2
//         for each MR-row strip of A (stays in L1 while ...)
//           for each NR-column strip of B (... the B strips stream from L2)
//             MR x NR register-blocked micro-kernel, masked stores on ragged edges
// When B is not transposed and C has few rows (<= BP_DIRECT_B_MAX_M) B is not packed: the
// kernel reads its rows in place (only the ragged last strip is packed).
// The transposes of A and B are absorbed by the packing routines, so no transposed copy of a
// whole matrix is ever made. Packing buffers are per thread, allocated once (bp_thread_buffer).
// Double, AVX-512: 4 x 32 register tile straight from A (transposed B packed panel by panel).
// Tiny problems (m*n*k < 4096), double without AVX-512 (so double on ARM64), and CPUs with
// neither AVX2 nor NEON use the direct loop (sgemm_direct / dgemm_direct).
//
// DETERMINISM CONTRACT (relied upon by MatrixMultiply.swift, which splits C over threads):
// every element C[i][j] is computed by exactly this sequence of operations, whatever the
// values of m and n, the position (i, j) of the element, the code path (tiny direct loop, packed
// AVX-512 path, AVX2 path, portable path) and therefore whatever the thread count:
//   k is cut into nkb = ceil(k / KC) consecutive blocks whose sizes depend only on k
//   (KC = S_KC for float, D_KC for double);
//   for each block b: acc = +0; for p in block, in increasing order: acc = fma(alpha*A[i][p], B[p][j], acc)
//                     (alpha*A[i][p] is a rounded product, skipped when alpha == 1)
//                     if b == 0: C = (beta == 0) ? acc : fma(beta, C, acc)     (beta == 0 never reads C)
//                     else:      C = C + acc
//   k == 0: C = (beta == 0) ? 0 : beta * C
// Work may be split across threads over rows (M) and columns (N) of C only, never over k.
//
// ACROSS ISAs: because every path (portable, AVX2, AVX-512, NEON) performs exactly that
// sequence of IEEE-754 operations -- single roundings, explicit fused multiply-adds -- the
// results are bit-identical on every CPU and every path, x86-64 and ARM64 alike, for finite
// inputs and for infinities. What may differ across ISAs is only the payload (sign, quiet bits)
// of a NaN result: x86 and ARM propagate NaN payloads differently; a NaN stays a NaN.
// What is NOT identical across ISAs is everything outside this file: the Swift element loops
// (tanh, exp, ...) use the same formulas on every CPU but are compiled by LLVM, and libm calls
// (exp, log, pow) come from each platform's C library, which rounds differently (glibc vs
// Apple's libm). bp_adam_f32 (vector_kernels.c) follows the same rule as this file: identical
// on every ISA.
// Floating-point contraction is disabled in this file so that the portable code rounds exactly
// as written (all fused operations are explicit fma calls / intrinsics).

#include "BackpropKernels.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define BP_X86 1
#include <immintrin.h>
#else
#define BP_X86 0
#endif
#if defined(__aarch64__) && (defined(__clang__) || defined(__GNUC__))
#define BP_NEON 1
#include <arm_neon.h>
#else
#define BP_NEON 0
#endif

#define BP_INLINE static inline __attribute__((always_inline))
// -DBP_PROFILE keeps the generic packing routines out of line (for profilers).
#ifdef BP_PROFILE
#define BP_PACK static __attribute__((noinline))
#else
#define BP_PACK BP_INLINE
#endif

// ---------------------------------------------------------------------------------------------
// Blocking parameters (tuned on Zen 4: 32 KiB L1d, 1 MiB L2 per core). S_KC bounds a k block
// (float), S_MC x S_KC is the packed A block, S_KC x S_NC the packed B block (~384 KiB, in L2).
// ---------------------------------------------------------------------------------------------
#ifndef S_KC
#define S_KC 384
#endif
#ifndef S_MC
#define S_MC 528   // multiple of 8 and 6
#endif
#ifndef S_NC
#define S_NC 256   // multiple of 32 and 16
#endif
#define D_KC 256
#ifndef BP_DIRECT_B_MAX_M
#define BP_DIRECT_B_MAX_M 256
#endif

/// Number of k blocks and the size of block `b`: a function of k only (determinism contract).
BP_INLINE long kblock_count(long k, long kcmax) { return (k + kcmax - 1) / kcmax; }
BP_INLINE long kblock_start(long k, long nkb, long b) { return (k / nkb) * b + (b < k % nkb ? b : k % nkb); }

// ---------------------------------------------------------------------------------------------
// Per-thread packing buffer, allocated once per thread (grown if ever needed), freed at thread exit.
// ---------------------------------------------------------------------------------------------
typedef struct { void *ptr; size_t bytes; } bp_buf;
static pthread_key_t bp_buf_key;
static pthread_once_t bp_buf_once = PTHREAD_ONCE_INIT;
static void bp_buf_free(void *p) { bp_buf *b = p; free(b->ptr); free(b); }
static void bp_buf_init(void) { pthread_key_create(&bp_buf_key, bp_buf_free); }

static void *bp_thread_buffer(size_t bytes) {
    pthread_once(&bp_buf_once, bp_buf_init);
    bp_buf *b = pthread_getspecific(bp_buf_key);
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b) abort();
        pthread_setspecific(bp_buf_key, b);
    }
    if (b->bytes < bytes) {
        free(b->ptr);
        size_t rounded = (bytes + 4095) & ~(size_t)4095;
        b->ptr = aligned_alloc(64, rounded);
        if (!b->ptr) abort();
        b->bytes = rounded;
    }
    return b->ptr;
}

// ---------------------------------------------------------------------------------------------
// Direct (unpacked) path: tiny problems on the AVX2 path, double without AVX-512, k == 0, and
// the portable fallback for any other CPU (ARM64 etc.; on x86 without FMA hardware fmaf is a
// slow library call, but the results stay correct and identical). Follows the determinism
// contract exactly. Accumulates a row segment of JB columns at a time
// (p outer, j inner) so the inner loop is contiguous in B when B is not transposed.
// ---------------------------------------------------------------------------------------------
#define DEFINE_DIRECT(NAME, T, FMA, KCMAX)                                                      \
BP_INLINE void NAME(int transA, int transB, long m, long n, long k, T alpha, const T *a,        \
                    long lda, const T *b, long ldb, T beta, T *c, long ldc) {                   \
    enum { JB = 64 };                                                                           \
    if (k <= 0) {                                                                               \
        for (long i = 0; i < m; i++) {                                                          \
            T *cr = c + i * ldc;                                                                \
            if (beta == 0) { for (long j = 0; j < n; j++) cr[j] = 0; }                          \
            else { for (long j = 0; j < n; j++) cr[j] = beta * cr[j]; }                         \
        }                                                                                       \
        return;                                                                                 \
    }                                                                                           \
    long nkb = kblock_count(k, KCMAX);                                                          \
    T acc[JB];                                                                                  \
    for (long i = 0; i < m; i++) {                                                              \
        T *cr = c + i * ldc;                                                                    \
        for (long j0 = 0; j0 < n; j0 += JB) {                                                   \
            long nb = n - j0 < JB ? n - j0 : JB;                                                \
            for (long kb = 0; kb < nkb; kb++) {                                                 \
                long p0 = kblock_start(k, nkb, kb), p1 = kblock_start(k, nkb, kb + 1);          \
                for (long j = 0; j < nb; j++) acc[j] = 0;                                       \
                for (long p = p0; p < p1; p++) {                                                \
                    T av = transA ? a[p * lda + i] : a[i * lda + p];                            \
                    if (alpha != 1) av = alpha * av;                                            \
                    if (!transB) {                                                              \
                        const T *br = b + p * ldb + j0;                                         \
                        for (long j = 0; j < nb; j++) acc[j] = FMA(av, br[j], acc[j]);          \
                    } else {                                                                    \
                        const T *bc = b + j0 * ldb + p;                                         \
                        for (long j = 0; j < nb; j++) acc[j] = FMA(av, bc[j * ldb], acc[j]);    \
                    }                                                                           \
                }                                                                               \
                T *cj = cr + j0;                                                                \
                if (kb > 0) { for (long j = 0; j < nb; j++) cj[j] = cj[j] + acc[j]; }           \
                else if (beta == 0) { for (long j = 0; j < nb; j++) cj[j] = acc[j]; }           \
                else { for (long j = 0; j < nb; j++) cj[j] = FMA(beta, cj[j], acc[j]); }        \
            }                                                                                   \
        }                                                                                       \
    }                                                                                           \
}

DEFINE_DIRECT(sgemm_direct, float, fmaf, S_KC)
DEFINE_DIRECT(dgemm_direct, double, fma, D_KC)

static void sgemm_portable(int tA, int tB, long m, long n, long k, float alpha, const float *a,
                           long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    sgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
static void dgemm_portable(int tA, int tB, long m, long n, long k, double alpha, const double *a,
                           long lda, const double *b, long ldb, double beta, double *c, long ldc) {
    dgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// ---------------------------------------------------------------------------------------------
// Packing (generic C, inlined into the CPU-specific drivers so it is compiled for their ISA).
// ---------------------------------------------------------------------------------------------

/// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] (times alpha) into ceil(mc/MR) strips; strip s holds,
/// for each p, the MR values of rows s*MR .. s*MR+MR-1 (zero beyond mc).
BP_PACK void pack_a_f32(int transA, const float *a, long lda, long i0, long mc, long p0, long kc,
                          float alpha, float *dst, const long MR) {
    for (long s = 0; s < mc; s += MR) {
        long mr = mc - s < MR ? mc - s : MR;
        float *d = dst + s * kc;
        if (transA) {
            // op(A)[i][p] = a[p*lda + i]: MR contiguous values per p.
            for (long p = 0; p < kc; p++) {
                const float *src = a + (p0 + p) * lda + i0 + s;
                float *dp = d + p * MR;
                if (alpha == 1) { for (long r = 0; r < mr; r++) dp[r] = src[r]; }
                else { for (long r = 0; r < mr; r++) dp[r] = alpha * src[r]; }
                for (long r = mr; r < MR; r++) dp[r] = 0;
            }
        } else {
            for (long r = 0; r < mr; r++) {
                const float *src = a + (i0 + s + r) * lda + p0;
                if (alpha == 1) { for (long p = 0; p < kc; p++) d[p * MR + r] = src[p]; }
                else { for (long p = 0; p < kc; p++) d[p * MR + r] = alpha * src[p]; }
            }
            for (long r = mr; r < MR; r++)
                for (long p = 0; p < kc; p++) d[p * MR + r] = 0;
        }
    }
}

/// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ceil(nc/NR) strips; strip s holds, for each p,
/// the NR values of columns s*NR .. s*NR+NR-1 (zero beyond nc).
BP_PACK void pack_b_f32(int transB, const float *b, long ldb, long p0, long kc, long j0, long nc,
                          float *dst, const long NR) {
    for (long s = 0; s < nc; s += NR) {
        long nr = nc - s < NR ? nc - s : NR;
        float *d = dst + s * kc;
        if (!transB) {
            const float *src = b + p0 * ldb + j0 + s;
            if (nr == NR) {
                for (long p = 0; p < kc; p++)
                    for (long j = 0; j < NR; j++) d[p * NR + j] = src[p * ldb + j];
            } else {
                for (long p = 0; p < kc; p++) {
                    for (long j = 0; j < nr; j++) d[p * NR + j] = src[p * ldb + j];
                    for (long j = nr; j < NR; j++) d[p * NR + j] = 0;
                }
            }
        } else {
            // op(B)[p][j] = b[j*ldb + p]: read each source row contiguously, scatter with stride NR.
            for (long j = 0; j < nr; j++) {
                const float *src = b + (j0 + s + j) * ldb + p0;
                for (long p = 0; p < kc; p++) d[p * NR + j] = src[p];
            }
            for (long j = nr; j < NR; j++)
                for (long p = 0; p < kc; p++) d[p * NR + j] = 0;
        }
    }
}

typedef void (*pack_a_fn)(int, const float *, long, long, long, long, long, float, float *);
typedef void (*pack_b_fn)(int, const float *, long, long, long, long, long, float *);
/// Micro-kernel: C[mr x nr] (+)= A strip (kc x MR, packed) * B strip (kc rows of NR values, row p
/// at bp + p * ldbp: ldbp == NR for a packed strip, ldb when reading B in place).
typedef void (*ukr_f32)(long kc, const float *ap, const float *bp, long ldbp, float *c, long ldc,
                        long mr, long nr, int first, float beta);

/// Blocked driver; MR, NR, MC, NC are compile-time constants after inlining.
BP_INLINE void sgemm_blocked(int transA, int transB, long m, long n, long k, float alpha,
                             const float *a, long lda, const float *b, long ldb, float beta,
                             float *c, long ldc, const long MR, const long NR, const long MC,
                             const long NC, pack_a_fn pack_a, pack_b_fn pack_b, ukr_f32 ukr) {
    long nkb = kblock_count(k, S_KC);
    float *abuf = bp_thread_buffer(sizeof(float) * (size_t)(MC * S_KC + S_KC * NC));
    float *bbuf = abuf + MC * S_KC;
    // B is read in place (unaligned loads) when it is not transposed and C has few rows.
    int direct_b = !transB && m <= BP_DIRECT_B_MAX_M;
    if (!direct_b && n <= NC && m > MC) {
        // Tall C with at most one column block: the B block of each k block is packed once and
        // serves every row block (the order below would pack it again for each of them).
        for (long kb = 0; kb < nkb; kb++) {
            long p0 = kblock_start(k, nkb, kb), kc = kblock_start(k, nkb, kb + 1) - p0;
            pack_b(transB, b, ldb, p0, kc, 0, n, bbuf);
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                pack_a(transA, a, lda, ic, mc, p0, kc, alpha, abuf);
                for (long ir = 0; ir < mc; ir += MR) {
                    long mr = mc - ir < MR ? mc - ir : MR;
                    const float *ap = abuf + ir * kc;
                    float *crow = c + (ic + ir) * ldc;
                    for (long jr = 0; jr < n; jr += NR) {
                        long nr = n - jr < NR ? n - jr : NR;
                        ukr(kc, ap, bbuf + jr * kc, NR, crow + jr, ldc, mr, nr, kb == 0, beta);
                    }
                }
            }
        }
        return;
    }
    for (long ic = 0; ic < m; ic += MC) {
        long mc = m - ic < MC ? m - ic : MC;
        for (long kb = 0; kb < nkb; kb++) {
            long p0 = kblock_start(k, nkb, kb), kc = kblock_start(k, nkb, kb + 1) - p0;
            pack_a(transA, a, lda, ic, mc, p0, kc, alpha, abuf);
            if (direct_b) {
                // Few rows: B is read only ceil(m / MR) times, so packing it would cost more than
                // it saves. Full NR-wide strips are read in place; only the ragged last strip is
                // packed (zero padded) so the kernel never reads past the end of a row of B.
                long nfull = n / NR * NR;
                if (nfull < n) pack_b(transB, b, ldb, p0, kc, nfull, n - nfull, bbuf);
                for (long jc = 0; jc < n; jc += NC) {
                    long jend = n - jc < NC ? n : jc + NC;
                    for (long ir = 0; ir < mc; ir += MR) {
                        long mr = mc - ir < MR ? mc - ir : MR;
                        const float *ap = abuf + ir * kc;
                        float *crow = c + (ic + ir) * ldc;
                        for (long jr = jc; jr < jend; jr += NR) {
                            if (jr < nfull)
                                ukr(kc, ap, b + p0 * ldb + jr, ldb, crow + jr, ldc, mr, NR, kb == 0, beta);
                            else
                                ukr(kc, ap, bbuf, NR, crow + jr, ldc, mr, n - nfull, kb == 0, beta);
                        }
                    }
                }
                continue;
            }
            for (long jc = 0; jc < n; jc += NC) {
                long nc = n - jc < NC ? n - jc : NC;
                pack_b(transB, b, ldb, p0, kc, jc, nc, bbuf);
                for (long ir = 0; ir < mc; ir += MR) {
                    long mr = mc - ir < MR ? mc - ir : MR;
                    const float *ap = abuf + ir * kc;
                    float *crow = c + (ic + ir) * ldc + jc;
                    for (long jr = 0; jr < nc; jr += NR) {
                        long nr = nc - jr < NR ? nc - jr : NR;
                        ukr(kc, ap, bbuf + jr * kc, NR, crow + jr, ldc, mr, nr, kb == 0, beta);
                    }
                }
            }
        }
    }
}

/// Micro-kernels without masked stores handle an edge tile (mr < MR rows or nr < NR columns
/// of C) through a zeroed MR x NR copy: edge_tile_begin returns C itself for a full tile, else
/// the copy (holding C's values when the kernel reads them) with its row stride in *ldcc;
/// edge_tile_end copies the valid part back.
BP_INLINE float *edge_tile_begin(float *tmp, long NR, float *c, long ldc, long mr, long nr, long MR,
                                 int first, float beta, long *ldcc) {
    if (mr == MR && nr == NR) return c;
    memset(tmp, 0, sizeof(float) * (size_t)(MR * NR));
    if (!(first && beta == 0))
        for (long r = 0; r < mr; r++) memcpy(tmp + r * NR, c + r * ldc, sizeof(float) * (size_t)nr);
    *ldcc = NR;
    return tmp;
}

BP_INLINE void edge_tile_end(const float *tmp, long NR, float *c, long ldc, long mr, long nr) {
    for (long r = 0; r < mr; r++) memcpy(c + r * ldc, tmp + r * NR, sizeof(float) * (size_t)nr);
}

/// The end of such a micro-kernel (AVX2, NEON): C = acc, C + acc, or fma(beta, C, acc) as the
/// determinism contract says, for acc[MR][NV] vectors of type VT holding W floats each.
/// FMA(b, x, a) is the fused b * x + a; the macro uses the kernel's c, ldc, mr, nr, first, beta.
#define BP_UKR_STORE(VT, W, NV, MR, NR, SPLAT, LOAD, STORE, ADD, FMA)                           \
    do {                                                                                        \
        float tmp[(MR) * (NR)];                                                                 \
        long ldcc = ldc;                                                                        \
        float *cc = edge_tile_begin(tmp, NR, c, ldc, mr, nr, MR, first, beta, &ldcc);           \
        VT vb = SPLAT(beta);                                                                    \
        for (int r = 0; r < (MR) && r < mr; r++) {                                              \
            float *cr = cc + r * ldcc;                                                          \
            for (int v = 0; v < (NV); v++) {                                                    \
                VT out = acc[r][v];                                                             \
                if (!first) out = ADD(LOAD(cr + (W) * v), out);                                 \
                else if (beta != 0) out = FMA(vb, LOAD(cr + (W) * v), out);                     \
                STORE(cr + (W) * v, out);                                                       \
            }                                                                                   \
        }                                                                                       \
        if (cc == tmp) edge_tile_end(tmp, NR, c, ldc, mr, nr);                                  \
    } while (0)

/// An ISA's float entry point built from the generic pieces: the packing routines compiled for
/// the ISA (TARGET: its function attribute, empty when the baseline has it), the blocked driver
/// with its micro-kernel, and the direct loop for k == 0 and tiny problems (m n k < 4096).
#define DEFINE_SGEMM_PACKED(ISA, TARGET, MR, NR, NC, UKR)                                       \
TARGET static void pack_a_f32_##ISA(int transA, const float *a, long lda, long i0, long mc,    \
                                    long p0, long kc, float alpha, float *dst) {                \
    pack_a_f32(transA, a, lda, i0, mc, p0, kc, alpha, dst, MR);                                 \
}                                                                                               \
TARGET static void pack_b_f32_##ISA(int transB, const float *b, long ldb, long p0, long kc,    \
                                    long j0, long nc, float *dst) {                             \
    pack_b_f32(transB, b, ldb, p0, kc, j0, nc, dst, NR);                                        \
}                                                                                               \
TARGET static void sgemm_##ISA(int tA, int tB, long m, long n, long k, float alpha,            \
                               const float *a, long lda, const float *b, long ldb, float beta,  \
                               float *c, long ldc) {                                            \
    if (k <= 0 || m * n * k < 4096) {                                                           \
        sgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                     \
        return;                                                                                 \
    }                                                                                           \
    sgemm_blocked(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, MR, NR, S_MC, NC,       \
                  pack_a_f32_##ISA, pack_b_f32_##ISA, UKR);                                     \
}

#if BP_X86
// ---------------------------------------------------------------------------------------------
// AVX-512 float: 8 x 32 micro-kernel (16 zmm accumulators, broadcast-FMA).
// ---------------------------------------------------------------------------------------------
#define AVX512_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define S512_MR 8
#define S512_NR 32

#define DEFINE_UKR_S512(NAME, MR)                                                               \
AVX512_TARGET                                                                                   \
static void NAME(long kc, const float *restrict ap, const float *restrict bp, long ldbp,       \
                 float *c, long ldc, long mr, long nr, int first, float beta) {                 \
    __m512 acc[MR][2];                                                                          \
    for (int r = 0; r < MR; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); } \
    for (long p = 0; p < kc; p++) {                                                             \
        __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);                         \
        for (int r = 0; r < MR; r++) {                                                          \
            __m512 av = _mm512_set1_ps(ap[r]);                                                  \
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);                                     \
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);                                     \
        }                                                                                       \
        ap += MR;                                                                               \
        bp += ldbp;                                                                             \
    }                                                                                           \
    __mmask16 m0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);                  \
    __mmask16 m1 = nr >= 32 ? (__mmask16)0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0; \
    __m512 vb = _mm512_set1_ps(beta);                                                           \
    for (int r = 0; r < MR; r++) {                                                              \
        if (r >= mr) break;                                                                     \
        float *cr = c + r * ldc;                                                                \
        __m512 v0 = acc[r][0], v1 = acc[r][1];                                                  \
        if (!first) {                                                                           \
            v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, cr), v0);                              \
            v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, cr + 16), v1);                         \
        } else if (beta != 0) {                                                                 \
            v0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, cr), v0);                        \
            v1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, cr + 16), v1);                   \
        }                                                                                       \
        _mm512_mask_storeu_ps(cr, m0, v0);                                                      \
        _mm512_mask_storeu_ps(cr + 16, m1, v1);                                                 \
    }                                                                                           \
}

DEFINE_UKR_S512(ukr_s_avx512, S512_MR)

// Packing with explicit vector code (the generic loops above stay for edges and other paths).
// Sources are read as 8 or 32 concurrent row streams; software prefetch BP_PACK_PF floats ahead.
#ifndef BP_PACK_PF
#define BP_PACK_PF 64
#endif
BP_INLINE __attribute__((target("avx2,fma"))) void transpose8x8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// pack_a_f32 for MR == 8 with vector code (same result, including alpha rounding).
AVX512_TARGET
static void pack_a_f32_mr8_avx512(int transA, const float *a, long lda, long i0, long mc, long p0,
                                  long kc, float alpha, float *dst) {
    const __m256 va = _mm256_set1_ps(alpha);
    const int scale = alpha != 1;
    for (long s = 0; s < mc; s += 8) {
        long mr = mc - s < 8 ? mc - s : 8;
        float *d = dst + s * kc;
        if (transA && mc - s >= 16) {
            // Two strips at once: 16 contiguous values (a whole cache line) per source row.
            float *d2 = d + 8 * kc;
            for (long p = 0; p < kc; p++) {
                __m512 v = _mm512_loadu_ps(a + (p0 + p) * lda + i0 + s);
                if (scale) v = _mm512_mul_ps(_mm512_set1_ps(alpha), v);
                _mm256_store_ps(d + p * 8, _mm512_castps512_ps256(v));
                _mm256_store_ps(d2 + p * 8, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
            }
            s += 8;
        } else if (transA) {
            __mmask8 mk = (__mmask8)((1u << mr) - 1);
            for (long p = 0; p < kc; p++) {
                __m256 v = _mm256_maskz_loadu_ps(mk, a + (p0 + p) * lda + i0 + s);
                if (scale) v = _mm256_mul_ps(va, v);
                _mm256_store_ps(d + p * 8, v);
            }
        } else if (mr == 8) {
            const float *src = a + (i0 + s) * lda + p0;
            long p = 0;
            for (; p + 8 <= kc; p += 8) {
                __m256 r[8];
                if (BP_PACK_PF && p % 16 == 0)
                    for (int q = 0; q < 8; q++)
                        _mm_prefetch((const char *)(src + q * lda + p + BP_PACK_PF), _MM_HINT_T0);
                for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(src + q * lda + p);
                transpose8x8(r);
                for (int q = 0; q < 8; q++) {
                    __m256 v = scale ? _mm256_mul_ps(va, r[q]) : r[q];
                    _mm256_store_ps(d + (p + q) * 8, v);
                }
            }
            for (; p < kc; p++)
                for (long r = 0; r < 8; r++) d[p * 8 + r] = scale ? alpha * src[r * lda + p] : src[r * lda + p];
        } else {
            pack_a_f32(transA, a, lda, i0 + s, mr, p0, kc, alpha, d, 8);
        }
    }
}

/// pack_b_f32 for NR == 32 with vector code.
AVX512_TARGET
static void pack_b_f32_nr32_avx512(int transB, const float *b, long ldb, long p0, long kc, long j0,
                                   long nc, float *dst) {
    for (long s = 0; s < nc; s += 32) {
        long nr = nc - s < 32 ? nc - s : 32;
        float *d = dst + s * kc;
        if (!transB) {
            __mmask16 m0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
            __mmask16 m1 = nr >= 32 ? (__mmask16)0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0;
            const float *src = b + p0 * ldb + j0 + s;
            for (long p = 0; p < kc; p++) {
                _mm512_store_ps(d + p * 32, _mm512_maskz_loadu_ps(m0, src + p * ldb));
                _mm512_store_ps(d + p * 32 + 16, _mm512_maskz_loadu_ps(m1, src + p * ldb + 16));
            }
        } else if (nr == 32) {
            const float *src = b + (j0 + s) * ldb + p0;
            long p = 0;
            // 16 values of p (a whole cache line) per source row before moving to the next rows.
            for (; p + 16 <= kc; p += 16) {
                for (int g = 0; g < 4; g++) {
                    if (BP_PACK_PF)
                        for (int q = 0; q < 8; q++)
                            _mm_prefetch((const char *)(src + (g * 8 + q) * ldb + p + BP_PACK_PF), _MM_HINT_T0);
                    for (int h = 0; h < 16; h += 8) {
                        __m256 r[8];
                        for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(src + (g * 8 + q) * ldb + p + h);
                        transpose8x8(r);
                        for (int q = 0; q < 8; q++) _mm256_store_ps(d + (p + h + q) * 32 + g * 8, r[q]);
                    }
                }
            }
            for (; p + 8 <= kc; p += 8) {
                for (int g = 0; g < 4; g++) {
                    __m256 r[8];
                    for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(src + (g * 8 + q) * ldb + p);
                    transpose8x8(r);
                    for (int q = 0; q < 8; q++) _mm256_store_ps(d + (p + q) * 32 + g * 8, r[q]);
                }
            }
            for (; p < kc; p++)
                for (long j = 0; j < 32; j++) d[p * 32 + j] = src[j * ldb + p];
        } else {
            pack_b_f32(transB, b, ldb, p0, kc, j0 + s, nr, d, 32);
        }
    }
}

/// Tiny problems (m*n*k < 4096, k >= 1): no packing of A, 4 rows x 16 columns per register tile
/// (4 independent FMA chains), op(B) transposed into a stack buffer if needed. Same operation
/// sequence as sgemm_direct.
AVX512_TARGET
static void sgemm_tiny_avx512(int tA, int tB, long m, long n, long k, float alpha, const float *a,
                              long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    float bt[4096] __attribute__((aligned(64)));
    if (tB) {
        for (long p = 0; p < k; p++)
            for (long j = 0; j < n; j++) bt[p * n + j] = b[j * ldb + p];
        b = bt;
        ldb = n;
    }
    long nkb = kblock_count(k, S_KC);
    const __m512 vbeta = _mm512_set1_ps(beta);
    for (long j0 = 0; j0 < n; j0 += 16) {
        long nc = n - j0;
        __mmask16 mk = nc >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nc) - 1);
        for (long i0 = 0; i0 < m; i0 += 4) {
            long mr = m - i0 < 4 ? m - i0 : 4;
            long rows[4];  // rows past the end of C repeat the last one (computed, never stored)
            for (int r = 0; r < 4; r++) rows[r] = i0 + (r < mr ? r : mr - 1);
            for (long kb = 0; kb < nkb; kb++) {
                long p0 = kblock_start(k, nkb, kb), p1 = kblock_start(k, nkb, kb + 1);
                __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
                for (long p = p0; p < p1; p++) {
                    __m512 bv = _mm512_maskz_loadu_ps(mk, b + p * ldb + j0);
                    for (int r = 0; r < 4; r++) {
                        float x = tA ? a[p * lda + rows[r]] : a[rows[r] * lda + p];
                        if (alpha != 1) x = alpha * x;
                        acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(x), bv, acc[r]);
                    }
                }
                for (int r = 0; r < 4; r++) {
                    if (r >= mr) break;
                    float *cr = c + (i0 + r) * ldc + j0;
                    __m512 out = acc[r];
                    if (kb > 0) out = _mm512_add_ps(_mm512_maskz_loadu_ps(mk, cr), out);
                    else if (beta != 0) out = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(mk, cr), out);
                    _mm512_mask_storeu_ps(cr, mk, out);
                }
            }
        }
    }
}

AVX512_TARGET
static void sgemm_avx512(int tA, int tB, long m, long n, long k, float alpha, const float *a,
                         long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (k <= 0) {
        sgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    if (m * n * k < 4096) {
        sgemm_tiny_avx512(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    sgemm_blocked(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, S512_MR, S512_NR, S_MC,
                  S_NC, pack_a_f32_mr8_avx512, pack_b_f32_nr32_avx512, ukr_s_avx512);
}

// AVX-512 double: no packing of A; 4 rows x 32 columns of C per register tile (16 zmm
// accumulators). op(B) is read in place when not transposed, else a kc x 32 panel of it is
// packed into the per-thread buffer. Same operation sequence as dgemm_direct.
AVX512_TARGET
static void dgemm_avx512(int tA, int tB, long m, long n, long k, double alpha, const double *a,
                         long lda, const double *b, long ldb, double beta, double *c, long ldc) {
    if (k <= 0 || m * n * k < 4096) {
        dgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    enum { DR = 4, DC = 32 };
    long nkb = kblock_count(k, D_KC);
    double *panel = tB ? bp_thread_buffer(sizeof(double) * D_KC * DC) : NULL;
    const __m512d valpha = _mm512_set1_pd(alpha), vbeta = _mm512_set1_pd(beta);
    for (long kb = 0; kb < nkb; kb++) {
        long p0 = kblock_start(k, nkb, kb), kc = kblock_start(k, nkb, kb + 1) - p0;
        for (long j0 = 0; j0 < n; j0 += DC) {
            long nc = n - j0 < DC ? n - j0 : DC;
            __mmask8 mk[4];
            for (int v = 0; v < 4; v++) {
                long left = nc - v * 8;
                mk[v] = left >= 8 ? (__mmask8)0xFF : left > 0 ? (__mmask8)((1u << left) - 1) : 0;
            }
            const double *bpan;
            long ldbp;
            if (tB) {
                for (long p = 0; p < kc; p++)
                    for (long j = 0; j < DC; j++)
                        panel[p * DC + j] = j < nc ? b[(j0 + j) * ldb + p0 + p] : 0.0;
                bpan = panel;
                ldbp = DC;
            } else {
                bpan = b + p0 * ldb + j0;
                ldbp = ldb;
            }
            for (long i0 = 0; i0 < m; i0 += DR) {
                long mr = m - i0 < DR ? m - i0 : DR;
                // Rows past the end of C reuse the last row (computed, never stored).
                long rows[DR];
                for (int r = 0; r < DR; r++) rows[r] = i0 + (r < mr ? r : mr - 1);
                __m512d acc[DR][4];
                for (int r = 0; r < DR; r++)
                    for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_pd();
                for (long p = 0; p < kc; p++) {
                    const double *br = bpan + p * ldbp;
                    __m512d bv[4];
                    for (int v = 0; v < 4; v++) bv[v] = _mm512_maskz_loadu_pd(mk[v], br + v * 8);
                    for (int r = 0; r < DR; r++) {
                        double x = tA ? a[(p0 + p) * lda + rows[r]] : a[rows[r] * lda + p0 + p];
                        __m512d av = _mm512_set1_pd(x);
                        if (alpha != 1) av = _mm512_mul_pd(valpha, av);
                        for (int v = 0; v < 4; v++) acc[r][v] = _mm512_fmadd_pd(av, bv[v], acc[r][v]);
                    }
                }
                for (int r = 0; r < DR; r++) {
                    if (r >= mr) break;
                    double *cr = c + (i0 + r) * ldc + j0;
                    for (int v = 0; v < 4; v++) {
                        if (!mk[v]) break;
                        __m512d out = acc[r][v];
                        if (kb > 0) out = _mm512_add_pd(_mm512_maskz_loadu_pd(mk[v], cr + v * 8), out);
                        else if (beta != 0) out = _mm512_fmadd_pd(vbeta, _mm512_maskz_loadu_pd(mk[v], cr + v * 8), out);
                        _mm512_mask_storeu_pd(cr + v * 8, mk[v], out);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// AVX2 + FMA float: 6 x 16 micro-kernel (12 ymm accumulators), generic packing compiled for AVX2.
// Double stays on the direct path (vectorised by the compiler), same operation sequence.
// ---------------------------------------------------------------------------------------------
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define S256_MR 6
#define S256_NR 16

AVX2_TARGET
static void ukr_s_avx2(long kc, const float *restrict ap, const float *restrict bp, long ldbp,
                       float *c, long ldc, long mr, long nr, int first, float beta) {
    __m256 acc[S256_MR][2];
    for (int r = 0; r < S256_MR; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
    for (long p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
        for (int r = 0; r < S256_MR; r++) {
            __m256 av = _mm256_broadcast_ss(ap + r);
            acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
        }
        ap += S256_MR;
        bp += ldbp;
    }
    BP_UKR_STORE(__m256, 8, 2, S256_MR, S256_NR, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps,
                 _mm256_add_ps, _mm256_fmadd_ps);
}

/// pack_a_f32 for MR == 6 with vector code (same values, alpha rounding included): six source
/// rows are transposed eight columns at a time (two zero rows complete the 8 x 8 block).
AVX2_TARGET
static void pack_a_f32_mr6_avx2(int transA, const float *a, long lda, long i0, long mc, long p0,
                                long kc, float alpha, float *dst) {
    const __m256 va = _mm256_set1_ps(alpha);
    const int scale = alpha != 1;
    for (long s = 0; s < mc; s += 6) {
        float *d = dst + s * kc;
        if (mc - s < 6) {
            pack_a_f32(transA, a, lda, i0 + s, mc - s, p0, kc, alpha, d, 6);
        } else if (transA) {
            // op(A)[i][p] = a[p*lda + i]: six contiguous values per p.
            const float *src = a + p0 * lda + i0 + s;
            for (long p = 0; p < kc; p++) {
                __m128 lo = _mm_loadu_ps(src + p * lda);
                __m128 hi = _mm_castpd_ps(_mm_load_sd((const double *)(src + p * lda + 4)));
                if (scale) {
                    lo = _mm_mul_ps(_mm256_castps256_ps128(va), lo);
                    hi = _mm_mul_ps(_mm256_castps256_ps128(va), hi);
                }
                _mm_storeu_ps(d + p * 6, lo);
                _mm_storel_pi((__m64 *)(d + p * 6 + 4), hi);
            }
        } else {
            const float *src = a + (i0 + s) * lda + p0;
            long p = 0;
            for (; p + 8 <= kc; p += 8) {
                __m256 r[8];
                for (int q = 0; q < 6; q++) r[q] = _mm256_loadu_ps(src + q * lda + p);
                r[6] = r[7] = _mm256_setzero_ps();
                transpose8x8(r);
                for (int q = 0; q < 8; q++) {
                    __m256 v = scale ? _mm256_mul_ps(va, r[q]) : r[q];
                    _mm_storeu_ps(d + (p + q) * 6, _mm256_castps256_ps128(v));
                    _mm_storel_pi((__m64 *)(d + (p + q) * 6 + 4), _mm256_extractf128_ps(v, 1));
                }
            }
            for (; p < kc; p++)
                for (long r = 0; r < 6; r++) d[p * 6 + r] = scale ? alpha * src[r * lda + p] : src[r * lda + p];
        }
    }
}

/// pack_b_f32 for NR == 16 with vector code (a transposed B is read as 16 row streams and
/// transposed in 8 x 8 blocks).
AVX2_TARGET
static void pack_b_f32_nr16_avx2(int transB, const float *b, long ldb, long p0, long kc, long j0,
                                 long nc, float *dst) {
    for (long s = 0; s < nc; s += 16) {
        float *d = dst + s * kc;
        if (nc - s < 16) {
            pack_b_f32(transB, b, ldb, p0, kc, j0 + s, nc - s, d, 16);
        } else if (transB) {
            const float *src = b + (j0 + s) * ldb + p0;
            long p = 0;
            for (; p + 8 <= kc; p += 8) {
                for (int g = 0; g < 2; g++) {
                    __m256 r[8];
                    for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(src + (g * 8 + q) * ldb + p);
                    transpose8x8(r);
                    for (int q = 0; q < 8; q++) _mm256_storeu_ps(d + (p + q) * 16 + g * 8, r[q]);
                }
            }
            for (; p < kc; p++)
                for (long j = 0; j < 16; j++) d[p * 16 + j] = src[j * ldb + p];
        } else {
            const float *src = b + p0 * ldb + j0 + s;
            for (long p = 0; p < kc; p++) {
                _mm256_storeu_ps(d + p * 16, _mm256_loadu_ps(src + p * ldb));
                _mm256_storeu_ps(d + p * 16 + 8, _mm256_loadu_ps(src + p * ldb + 8));
            }
        }
    }
}

AVX2_TARGET
static void sgemm_avx2(int tA, int tB, long m, long n, long k, float alpha, const float *a,
                       long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (k <= 0 || m * n * k < 4096) {
        sgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    sgemm_blocked(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, S256_MR, S256_NR, S_MC,
                  S_NC, pack_a_f32_mr6_avx2, pack_b_f32_nr16_avx2, ukr_s_avx2);
}

AVX2_TARGET
static void dgemm_avx2(int tA, int tB, long m, long n, long k, double alpha, const double *a,
                       long lda, const double *b, long ldb, double beta, double *c, long ldc) {
    dgemm_direct(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
#endif // BP_X86


#if BP_NEON
// ---------------------------------------------------------------------------------------------
// NEON (ARM64, always present there) float: 8 x 12 micro-kernel (24 q-register accumulators,
// FMA by lane: acc = acc + b * a[lane], one rounding, the contract's fma), generic packing.
// Double stays on the direct path (vectorised by the compiler), same operation sequence.
// ---------------------------------------------------------------------------------------------
#define SNEON_MR 8
#define SNEON_NR 12
#define SNEON_NC 240   // multiple of 12

#define BP_NEON_FMA(b, x, a) vfmaq_f32(a, b, x)   // b * x + a, fused
#define BP_NEON_ROW(R, AV, L)                                                                   \
    acc[R][0] = vfmaq_laneq_f32(acc[R][0], b0, AV, L);                                          \
    acc[R][1] = vfmaq_laneq_f32(acc[R][1], b1, AV, L);                                          \
    acc[R][2] = vfmaq_laneq_f32(acc[R][2], b2, AV, L);

static void ukr_s_neon(long kc, const float *restrict ap, const float *restrict bp, long ldbp,
                       float *c, long ldc, long mr, long nr, int first, float beta) {
    float32x4_t acc[SNEON_MR][3];
    for (int r = 0; r < SNEON_MR; r++)
        for (int v = 0; v < 3; v++) acc[r][v] = vdupq_n_f32(0.0f);
    for (long p = 0; p < kc; p++) {
        float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4), b2 = vld1q_f32(bp + 8);
        float32x4_t a0 = vld1q_f32(ap), a1 = vld1q_f32(ap + 4);
        BP_NEON_ROW(0, a0, 0) BP_NEON_ROW(1, a0, 1) BP_NEON_ROW(2, a0, 2) BP_NEON_ROW(3, a0, 3)
        BP_NEON_ROW(4, a1, 0) BP_NEON_ROW(5, a1, 1) BP_NEON_ROW(6, a1, 2) BP_NEON_ROW(7, a1, 3)
        ap += SNEON_MR;
        bp += ldbp;
    }
    BP_UKR_STORE(float32x4_t, 4, 3, SNEON_MR, SNEON_NR, vdupq_n_f32, vld1q_f32, vst1q_f32, vaddq_f32,
                 BP_NEON_FMA);
}

DEFINE_SGEMM_PACKED(neon, , SNEON_MR, SNEON_NR, SNEON_NC, ukr_s_neon)
#endif // BP_NEON

// ---------------------------------------------------------------------------------------------
// Dispatch: chosen once (first call), cached in an atomic function pointer.
// ---------------------------------------------------------------------------------------------
typedef void (*sgemm_fn)(int, int, long, long, long, float, const float *, long, const float *,
                         long, float, float *, long);
typedef void (*dgemm_fn)(int, int, long, long, long, double, const double *, long, const double *,
                         long, double, double *, long);

static sgemm_fn s_impl;
static dgemm_fn d_impl;
static int s_tile_rows = 8;

/// Whether this CPU can run code path `isa` (portable always; the others by ISA and CPU).
int bp_gemm_isa_supported(int isa) {
    switch (isa) {
    case BP_GEMM_ISA_PORTABLE: return 1;
#if BP_X86
    case BP_GEMM_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case BP_GEMM_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("fma");
#endif
#if BP_NEON
    case BP_GEMM_ISA_NEON: return 1;   // Advanced SIMD is part of every ARMv8-A CPU
#endif
    default: return 0;
    }
}

/// Best code path this CPU supports.
static int best_isa(void) {
    static const int preference[] = {BP_GEMM_ISA_AVX512, BP_GEMM_ISA_AVX2, BP_GEMM_ISA_NEON};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++)
        if (bp_gemm_isa_supported(preference[i])) return preference[i];
    return BP_GEMM_ISA_PORTABLE;
}

static void install_isa(int isa) {
    sgemm_fn s = sgemm_portable;
    dgemm_fn d = dgemm_portable;
#if BP_X86
    if (isa == BP_GEMM_ISA_AVX512) { s = sgemm_avx512; d = dgemm_avx512; }
    else if (isa == BP_GEMM_ISA_AVX2) { s = sgemm_avx2; d = dgemm_avx2; }
#endif
#if BP_NEON
    if (isa == BP_GEMM_ISA_NEON) s = sgemm_neon;
#endif
    (void)isa;
    // MR of each path's float micro-kernel (S512_MR, S256_MR, SNEON_MR); 1 for the direct loop.
    int rows = isa == BP_GEMM_ISA_AVX2 ? 6 : (isa == BP_GEMM_ISA_AVX512 || isa == BP_GEMM_ISA_NEON) ? 8 : 1;
    __atomic_store_n(&s_tile_rows, rows, __ATOMIC_RELAXED);
    __atomic_store_n(&d_impl, d, __ATOMIC_RELEASE);
    __atomic_store_n(&s_impl, s, __ATOMIC_RELEASE);
}

static void choose_impl(void) { install_isa(best_isa()); }

int bp_gemm_select_isa(int isa) {
    if (isa == BP_GEMM_ISA_BEST || !bp_gemm_isa_supported(isa)) isa = best_isa();
    install_isa(isa);
    return isa;
}

int bp_sgemm_tile_rows(void) {
    if (!__atomic_load_n(&s_impl, __ATOMIC_ACQUIRE)) choose_impl();
    return __atomic_load_n(&s_tile_rows, __ATOMIC_RELAXED);
}

void bp_sgemm(int transA, int transB, long m, long n, long k, float alpha, const float *a,
              long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    sgemm_fn f = __atomic_load_n(&s_impl, __ATOMIC_ACQUIRE);
    if (!f) { choose_impl(); f = __atomic_load_n(&s_impl, __ATOMIC_ACQUIRE); }
    f(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void bp_dgemm(int transA, int transB, long m, long n, long k, double alpha, const double *a,
              long lda, const double *b, long ldb, double beta, double *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    dgemm_fn f = __atomic_load_n(&d_impl, __ATOMIC_ACQUIRE);
    if (!f) { choose_impl(); f = __atomic_load_n(&d_impl, __ATOMIC_ACQUIRE); }
    f(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
