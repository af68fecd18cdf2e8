// Test program for the C kernels in Sources/CBackpropKernels, every code path this CPU supports
// (x86-64: portable, AVX2, AVX-512; ARM64: portable, NEON) against plain references:
//   - bp_sgemm / bp_dgemm: bit-exact against the determinism contract of gemm.c written out as
//     a naive loop (each path must equal it exactly), and that reference within a bound of a
//     double / long double product (so the reference itself is a matrix multiply);
//     odd sizes, every ragged edge of every micro-tile (MR 6 / 8, NR 12 / 16 / 32), several
//     k blocks, the MC / NC block edges, the tiny and in-place-B paths, transposes, alpha and
//     beta, padded strides, unaligned pointers, NaN in C with beta == 0, and the row / column
//     splits that threads use (bit-identical to the whole);
//   - bp_adam_f32: bit-exact against the scalar rule at every length and alignment;
//   - bp_sqrt_f32 / bp_sqrt_f64: bit-exact against sqrtf / sqrt, special values included;
//   - bp_tanh_f32: this CPU's vector path bit-exact against the scalar rule at every tail length
//     and alignment, and within one ulp of tanh over 65,536 inputs;
//   - bp_parallel_for: every index exactly once, for several thread counts.
// Built and run by scripts/test-c-kernels.sh (natively, and for aarch64 under qemu-user).
// Exit status 0 when every check passes; the first failures are printed.
#include "BackpropKernels.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

static long failures = 0, checks = 0;

#define CHECK(cond, ...)                                                                        \
    do {                                                                                        \
        checks++;                                                                               \
        if (!(cond)) {                                                                          \
            if (failures++ < 20) { printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
        }                                                                                       \
    } while (0)

// ---------------------------------------------------------------------------------------------
// Deterministic inputs.
// ---------------------------------------------------------------------------------------------
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double next_unit(void) {  // SplitMix64 -> [-1, 1)
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static int same_f(float x, float y) { return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0; }
static int same_d(double x, double y) { return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0; }

// ---------------------------------------------------------------------------------------------
// The determinism contract of gemm.c, written out literally (KC = 384 float, 256 double).
// ---------------------------------------------------------------------------------------------
#define DEFINE_REFERENCE(NAME, T, FMA, KC)                                                      \
static void NAME(int tA, int tB, long m, long n, long k, T alpha, const T *a, long lda,        \
                 const T *b, long ldb, T beta, T *c, long ldc) {                                \
    for (long i = 0; i < m; i++)                                                                \
        for (long j = 0; j < n; j++) {                                                          \
            T *cij = c + i * ldc + j;                                                           \
            if (k == 0) { *cij = beta == 0 ? 0 : beta * *cij; continue; }                      \
            long nkb = (k + KC - 1) / KC;                                                       \
            for (long bk = 0; bk < nkb; bk++) {                                                 \
                long p0 = (k / nkb) * bk + (bk < k % nkb ? bk : k % nkb);                       \
                long p1 = (k / nkb) * (bk + 1) + (bk + 1 < k % nkb ? bk + 1 : k % nkb);         \
                T acc = 0;                                                                      \
                for (long p = p0; p < p1; p++) {                                                \
                    T av = tA ? a[p * lda + i] : a[i * lda + p];                                \
                    if (alpha != 1) av = alpha * av;                                            \
                    T bv = tB ? b[j * ldb + p] : b[p * ldb + j];                                \
                    acc = FMA(av, bv, acc);                                                     \
                }                                                                               \
                if (bk > 0) *cij = *cij + acc;                                                  \
                else *cij = beta == 0 ? acc : FMA(beta, *cij, acc);                             \
            }                                                                                   \
        }                                                                                       \
}
DEFINE_REFERENCE(ref_sgemm, float, fmaf, 384)
DEFINE_REFERENCE(ref_dgemm, double, fma, 256)

typedef struct { int tA, tB; long m, n, k, pad, offset; double alpha, beta; } gemm_case;

static const char *isa_name(int isa) {
    static const char *names[] = {"best", "portable", "avx2", "avx512", "neon"};
    return isa >= 0 && isa < BP_GEMM_ISA_COUNT ? names[isa] : "?";
}

/// Runs one float case on the current path: whole, as two row halves, as two column halves;
/// each must equal the contract reference bit for bit; the reference must be within
/// 2 k eps sum|a||b| (+ the beta term) of a long double product.
#define DEFINE_RUN(NAME, T, GEMM, REF, SAME, EPS)                                               \
static void NAME(const gemm_case *cs, int isa) {                                                \
    long m = cs->m, n = cs->n, k = cs->k, pad = cs->pad, off = cs->offset;                      \
    long ar = cs->tA ? k : m, ac = cs->tA ? m : k, br = cs->tB ? n : k, bc = cs->tB ? k : n;    \
    long lda = ac + pad, ldb = bc + pad, ldc = n + pad;                                         \
    T *abuf = malloc(sizeof(T) * (size_t)(ar * lda + off + 1));                                 \
    T *bbuf = malloc(sizeof(T) * (size_t)(br * ldb + off + 1));                                 \
    T *c0 = malloc(sizeof(T) * (size_t)(m * ldc + off + 1));                                    \
    T *cw = malloc(sizeof(T) * (size_t)(m * ldc + off + 1));                                    \
    T *cr = malloc(sizeof(T) * (size_t)(m * ldc + off + 1));                                    \
    T *cs2 = malloc(sizeof(T) * (size_t)(m * ldc + off + 1));                                   \
    T *a = abuf + off, *b = bbuf + off;                                                         \
    for (long i = 0; i < ar * lda; i++) a[i] = (T)next_unit();                                  \
    for (long i = 0; i < br * ldb; i++) b[i] = (T)next_unit();                                  \
    for (long i = 0; i < m * ldc; i++) c0[off + i] = cs->beta == 0 ? (T)NAN : (T)next_unit();  \
    T alpha = (T)cs->alpha, beta = (T)cs->beta;                                                 \
    memcpy(cr, c0, sizeof(T) * (size_t)(m * ldc + off));                                        \
    REF(cs->tA, cs->tB, m, n, k, alpha, a, lda, b, ldb, beta, cr + off, ldc);                  \
    for (int split = 0; split < 3; split++) {                                                   \
        memcpy(cw, c0, sizeof(T) * (size_t)(m * ldc + off));                                    \
        T *c = cw + off;                                                                        \
        if (split == 0) {                                                                       \
            GEMM(cs->tA, cs->tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                 \
        } else if (split == 1) { /* rows [0, h) and [h, m), as parallelFor splits them */       \
            long h = m / 2;                                                                     \
            GEMM(cs->tA, cs->tB, h, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                 \
            GEMM(cs->tA, cs->tB, m - h, n, k, alpha, cs->tA ? a + h : a + h * lda, lda, b, ldb, \
                 beta, c + h * ldc, ldc);                                                       \
        } else { /* columns [0, h) and [h, n) */                                                \
            long h = n / 2;                                                                     \
            GEMM(cs->tA, cs->tB, m, h, k, alpha, a, lda, b, ldb, beta, c, ldc);                 \
            GEMM(cs->tA, cs->tB, m, n - h, k, alpha, a, lda, cs->tB ? b + h * ldb : b + h, ldb, \
                 beta, c + h, ldc);                                                             \
        }                                                                                       \
        long bad = 0, first = -1;                                                               \
        for (long i = 0; i < m; i++)                                                            \
            for (long j = 0; j < ldc; j++) {                                                    \
                long q = i * ldc + j;                                                           \
                int ok = j < n ? SAME(c[q], cr[off + q]) : SAME(c[q], c0[off + q]);             \
                if (!ok) { bad++; if (first < 0) first = q; }                                   \
            }                                                                                   \
        CHECK(bad == 0, "%s %s tA=%d tB=%d m=%ld n=%ld k=%ld alpha=%g beta=%g pad=%ld off=%ld "  \
              "split=%d: %ld elements differ from the contract (first at %ld)", #T,             \
              isa_name(isa), cs->tA, cs->tB, m, n, k, cs->alpha, cs->beta, pad, off, split,      \
              bad, first);                                                                      \
    }                                                                                           \
    /* The reference is a matrix multiply: bounded error against long double (small cases). */ \
    memcpy(cs2, c0, sizeof(T) * (size_t)(m * ldc + off));                                       \
    long worst = 0;                                                                             \
    for (long i = 0; i < m && worst == 0 && m * n * k <= 100000; i++)                           \
        for (long j = 0; j < n; j++) {                                                          \
            long double sum = 0, mag = 0;                                                       \
            for (long p = 0; p < k; p++) {                                                      \
                long double x = cs->tA ? a[p * lda + i] : a[i * lda + p];                       \
                long double y = cs->tB ? b[j * ldb + p] : b[p * ldb + j];                       \
                sum += x * y; mag += fabsl(x * y);                                              \
            }                                                                                   \
            long double old = beta == 0 ? 0 : (long double)cs2[off + i * ldc + j];              \
            long double exact = (long double)alpha * sum + (long double)beta * old;             \
            long double bound = 2.0L * (k + 2) * EPS * (fabsl((long double)alpha) * mag +      \
                                 fabsl((long double)beta * old)) + 1e-30L;                      \
            if (fabsl(cr[off + i * ldc + j] - exact) > bound) { worst = 1; break; }             \
        }                                                                                       \
    CHECK(worst == 0, "%s reference outside the error bound: m=%ld n=%ld k=%ld", #T, m, n, k);  \
    free(abuf); free(bbuf); free(c0); free(cw); free(cr); free(cs2);                            \
}
DEFINE_RUN(run_float, float, bp_sgemm, ref_sgemm, same_f, 5.96e-8L)
DEFINE_RUN(run_double, double, bp_dgemm, ref_dgemm, same_d, 1.12e-16L)

/// One shape with every combination of transposes and (alpha, beta) when `all`, else with
/// two of them (rotating with the shape).
static void run_shape(long m, long n, long k, int isa, int all, long *count) {
    static const double ab[][2] = {{1, 0}, {1.5, 0.3}, {-0.75, 1}};   // beta 0.3: beta * C rounds
    for (int c = 0; c < 12; c++) {
        if (!all && (c + m + 3 * n) % 6 != 0) continue;
        int t = c % 4, s = c / 4;
        gemm_case cs = {t & 1, t >> 1, m, n, k, (m + n + k + t) % 3, (s + t) % 2, ab[s][0], ab[s][1]};
        run_float(&cs, isa);
        if ((m + n + t + s) % 3 == 0) run_double(&cs, isa);   // a third of them in double
        (*count)++;
    }
}

static void test_gemm(void) {
    for (int isa = 1; isa < BP_GEMM_ISA_COUNT; isa++) {
        if (!bp_gemm_isa_supported(isa)) { printf("gemm: %-8s not supported on this CPU, skipped\n", isa_name(isa)); continue; }
        CHECK(bp_gemm_select_isa(isa) == isa, "select %s", isa_name(isa));
        long count = 0, before = failures;
        // Every ragged edge of the micro-tiles: m = 1 ... 17 (MR 6 and 8), n = 1 ... 33
        // (NR 12, 16, 32), with k = 64 so most shapes take the blocked path (m n k >= 4096).
        static const long ns[] = {1, 2, 5, 11, 12, 13, 15, 16, 17, 24, 31, 32, 33};
        for (long m = 1; m <= 17; m++)
            for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) run_shape(m, ns[i], 64, isa, 0, &count);
        // Tiny path (m n k < 4096), its boundary, k == 0 and k == 1.
        long small[][3] = {{3, 5, 7}, {16, 16, 15}, {16, 16, 16}, {8, 32, 16}, {4, 4, 0}, {9, 13, 0}, {5, 7, 1}};
        for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) run_shape(small[i][0], small[i][1], small[i][2], isa, 1, &count);
        // Several k blocks (KC 384 float, 256 double), NC edges (240 NEON, 256 x86), the
        // in-place-B limit (m <= 256) and the MC edge (528).
        long big[][3] = {{9, 13, 385}, {8, 12, 769}, {19, 37, 257}, {5, 241, 20}, {7, 257, 33},
                         {3, 500, 9}, {256, 20, 11}, {257, 20, 11}, {530, 7, 16}, {40, 300, 400}};
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) run_shape(big[i][0], big[i][1], big[i][2], isa, 1, &count);
        printf("gemm: %-8s %ld cases x (whole, row split, column split): %s\n", isa_name(isa), count,
               failures == before ? "bit-exact" : "FAILED");
    }
    bp_gemm_select_isa(BP_GEMM_ISA_BEST);
}

// ---------------------------------------------------------------------------------------------
// Adam, square roots, thread pool.
// ---------------------------------------------------------------------------------------------
static void test_adam(void) {
    long before = failures;
    const float step = -1e-3f, corr2 = 0.9995f, omb1 = 0.1f, b2 = 0.999f, omb2 = 1e-3f, eps = 1e-8f;
    long lengths[] = {0, 1, 3, 4, 5, 7, 8, 9, 16, 33, 1001};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
        for (long off = 0; off < 4; off++) {
            long n = lengths[li], size = n + off;
            float *buf = malloc(sizeof(float) * (size_t)(8 * size + 8));
            float *w = buf + off, *g = w + size, *m = g + size, *v = m + size;
            float *rw = v + size, *rm = rw + size, *rv = rm + size;
            for (long i = 0; i < n; i++) {
                w[i] = rw[i] = (float)next_unit();
                g[i] = (float)next_unit() * (i % 5 == 0 ? 1e-20f : 1);
                m[i] = rm[i] = (float)next_unit() * 0.1f;
                v[i] = rv[i] = (float)fabs(next_unit()) * (i % 7 == 0 ? 0 : 0.01f);
            }
            for (int steps = 0; steps < 3; steps++) {
                bp_adam_f32(w, g, m, v, n, step, corr2, omb1, b2, omb2, eps);
                for (long i = 0; i < n; i++) {   // the rule, one element at a time
                    rm[i] = rm[i] + omb1 * (g[i] - rm[i]);
                    rv[i] = rv[i] * b2 + (omb2 * g[i]) * g[i];
                    float d = sqrtf(rv[i]) / corr2 + eps;
                    rw[i] = rw[i] + (step * rm[i]) / d;
                }
            }
            long bad = 0;
            for (long i = 0; i < n; i++) bad += !same_f(w[i], rw[i]) || !same_f(m[i], rm[i]) || !same_f(v[i], rv[i]);
            CHECK(bad == 0, "adam n=%ld offset=%ld: %ld elements differ from the scalar rule", n, off, bad);
            free(buf);
        }
    printf("adam: lengths 0 ... 1001 x 4 alignments: %s\n", failures == before ? "bit-exact" : "FAILED");
}

static void test_tanh(void) {
    long before = failures;
    enum { N = 1 << 16 };
    float *x = malloc(sizeof(float) * (N + 40)), *got = malloc(sizeof(float) * (N + 40)), *want = malloc(sizeof(float) * (N + 40));
    float special[] = {0.0f, -0.0f, 1e-45f, -1e-45f, 0x1p-5f, -0x1p-5f, 0x1.fffffep-6f, 9.1f, 9.100001f, -9.2f,
                       20.0f, INFINITY, -INFINITY, NAN, 1.17549435e-38f, 0.5f, -0.5f, 3.0f};
    for (long i = 0; i < N; i++) {
        double u = next_unit();   // magnitudes from 1e-8 to 16, both signs
        x[i] = (float)(copysign(exp(-18.4 + 21.2 * fabs(u)), u));
    }
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) x[i] = special[i];
    for (long n = 0; n <= 40; n++)   // every tail length of both vector widths
        for (long off = 0; off < 3; off++) {
            bp_tanh_f32(x + off, got, n);
            bp_tanh_f32_portable(x + off, want, n);
            long bad = 0;
            for (long i = 0; i < n; i++) bad += !same_f(got[i], want[i]);
            CHECK(bad == 0, "tanh n=%ld offset=%ld: %ld elements differ from the scalar rule", n, off, bad);
        }
    bp_tanh_f32(x, got, N);
    bp_tanh_f32_portable(x, want, N);
    long bad = 0, far = 0;
    for (long i = 0; i < N; i++) {
        bad += !same_f(got[i], want[i]);
        if (!isnan(x[i])) {   // and within one unit in the last place of tanh rounded from double
            float exact = (float)tanh((double)x[i]);
            far += got[i] != exact && nextafterf(got[i], INFINITY) != exact && nextafterf(got[i], -INFINITY) != exact;
        }
    }
    CHECK(bad == 0, "tanh over %d inputs: %ld elements differ from the scalar rule", N, bad);
    CHECK(far == 0, "tanh over %d inputs: %ld elements further than one ulp from tanh", N, far);
    CHECK(isnan(got[13]) && signbit(got[1]) && got[11] == 1.0f && got[12] == -1.0f, "tanh special values");
    free(x); free(got); free(want);
    printf("tanh: lengths 0 ... 40 x 3 alignments and %d inputs: %s\n", N, failures == before ? "bit-exact, within one ulp" : "FAILED");
}

static void test_sqrt(void) {
    long before = failures;
    float special[] = {0.0f, -0.0f, 1.0f, 2.0f, 1e-45f, 1.17549435e-38f, 3.4e38f, INFINITY, -1.0f, NAN};
    for (long n = 0; n < 40; n++)
        for (long off = 0; off < 3; off++) {
            float fb[48];
            double db[48];
            float *f = fb + off;
            double *d = db + off;
            for (long i = 0; i < n; i++) {
                f[i] = i < 10 ? special[i] : (float)fabs(next_unit()) * 100;
                d[i] = i < 10 ? (double)special[i] : fabs(next_unit()) * 1e300;
            }
            float fr[48];
            double dr[48];
            for (long i = 0; i < n; i++) { fr[i] = sqrtf(f[i]); dr[i] = sqrt(d[i]); }
            bp_sqrt_f32(f, n);
            bp_sqrt_f64(d, n);
            long bad = 0;
            for (long i = 0; i < n; i++) bad += !same_f(f[i], fr[i]) || !same_d(d[i], dr[i]);
            CHECK(bad == 0, "sqrt n=%ld offset=%ld: %ld elements differ from sqrtf / sqrt", n, off, bad);
        }
    printf("sqrt: lengths 0 ... 39 x 3 alignments and special values: %s\n", failures == before ? "bit-exact" : "FAILED");
}

static atomic_long hits[5000];
static void count_hit(void *context, long i) { (void)context; atomic_fetch_add(&hits[i], 1); }

static void test_parallel_for(void) {
    long before = failures;
    long counts[] = {0, 1, 2, 3, 7, 64, 5000};
    for (long threads = 1; threads <= 4; threads++)
        for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
            long count = counts[ci];
            for (long i = 0; i < count; i++) atomic_store(&hits[i], 0);
            bp_parallel_for(count, threads, count_hit, NULL);
            long bad = 0;
            for (long i = 0; i < count; i++) bad += atomic_load(&hits[i]) != 1;
            CHECK(bad == 0, "parallel_for count=%ld threads=%ld: %ld indices not run exactly once", count, threads, bad);
        }
    printf("parallel_for: 1 ... 4 threads: %s\n", failures == before ? "every index exactly once" : "FAILED");
}

int main(void) {
#if defined(__aarch64__)
    printf("CPU: aarch64\n");
#elif defined(__x86_64__)
    printf("CPU: x86-64\n");
#endif
    test_gemm();
    test_adam();
    test_sqrt();
    test_tanh();
    test_parallel_for();
    printf("%ld checks, %ld failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
