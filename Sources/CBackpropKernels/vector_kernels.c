// Element loops Swift does not vectorise (see BackpropVectorKernels.h). Vector paths: AVX-512
// and AVX2 where the CPU has them (chosen at run time), SSE (baseline x86-64, so every x86-64
// CPU runs it) and NEON (every ARM64 CPU); the scalar loop serves the tail and other CPUs. Every path performs the scalar rule's IEEE operations in the
// same order, each rounded once, so results are bit-identical element by element across paths
// and ISAs. Contraction is disabled so no compiler fuses a multiply and an add behind our back
// (clang honours the pragma; GCC needs -ffp-contract=off, which the C test build passes).
#include "BackpropVectorKernels.h"

#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#pragma STDC FP_CONTRACT OFF

/// The rule itself, elements i0 ..< n.
static void adam_scalar(float *w, const float *g, float *m, float *v, long i0, long n,
                        float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    for (long i = i0; i < n; i++) {
        m[i] = m[i] + omb1 * (g[i] - m[i]);
        v[i] = v[i] * b2 + (omb2 * g[i]) * g[i];
        float d = sqrtf(v[i]) / correction2 + eps;
        w[i] = w[i] + (stepSize * m[i]) / d;
    }
}

// Four-lane vectors: SSE on x86-64, NEON on ARM64 (vsqrtq / vdivq are correctly rounded, like
// sqrtf and /, so the lanes compute exactly what the scalar rule does).
#if defined(__x86_64__)
typedef __m128 vf4;
#define VF4_SPLAT(x) _mm_set1_ps(x)
#define VF4_LOAD(p) _mm_loadu_ps(p)
#define VF4_STORE(p, v) _mm_storeu_ps(p, v)
#define VF4_ADD(a, b) _mm_add_ps(a, b)
#define VF4_SUB(a, b) _mm_sub_ps(a, b)
#define VF4_MUL(a, b) _mm_mul_ps(a, b)
#define VF4_DIV(a, b) _mm_div_ps(a, b)
#define VF4_SQRT(a) _mm_sqrt_ps(a)
#define BP_VF4 1
#elif defined(__aarch64__)
typedef float32x4_t vf4;
#define VF4_SPLAT(x) vdupq_n_f32(x)
#define VF4_LOAD(p) vld1q_f32(p)
#define VF4_STORE(p, v) vst1q_f32(p, v)
#define VF4_ADD(a, b) vaddq_f32(a, b)
#define VF4_SUB(a, b) vsubq_f32(a, b)
#define VF4_MUL(a, b) vmulq_f32(a, b)
#define VF4_DIV(a, b) vdivq_f32(a, b)
#define VF4_SQRT(a) vsqrtq_f32(a)
#define BP_VF4 1
#else
#define BP_VF4 0
#endif

/// The rule four lanes at a time; returns the number of elements done (a multiple of 4, or 0
/// on CPUs with neither SSE nor NEON).
static long adam_vector(float *w, const float *g, float *m, float *v, long n,
                        float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    long i = 0;
#if BP_VF4
    const vf4 vs = VF4_SPLAT(stepSize), vc = VF4_SPLAT(correction2), v1 = VF4_SPLAT(omb1);
    const vf4 vb2 = VF4_SPLAT(b2), v2 = VF4_SPLAT(omb2), ve = VF4_SPLAT(eps);
    for (; i + 4 <= n; i += 4) {
        vf4 gi = VF4_LOAD(g + i), mi = VF4_LOAD(m + i), vi = VF4_LOAD(v + i), wi = VF4_LOAD(w + i);
        mi = VF4_ADD(mi, VF4_MUL(v1, VF4_SUB(gi, mi)));
        vi = VF4_ADD(VF4_MUL(vi, vb2), VF4_MUL(VF4_MUL(v2, gi), gi));
        vf4 d = VF4_ADD(VF4_DIV(VF4_SQRT(vi), vc), ve);
        wi = VF4_ADD(wi, VF4_DIV(VF4_MUL(vs, mi), d));
        VF4_STORE(m + i, mi);
        VF4_STORE(v + i, vi);
        VF4_STORE(w + i, wi);
    }
#else
    (void)w; (void)g; (void)m; (void)v; (void)n; (void)stepSize; (void)correction2;
    (void)omb1; (void)b2; (void)omb2; (void)eps;
#endif
    return i;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// Wider vectors where the CPU has them (chosen once at run time): the same rule, lane by lane.
#define BP_ADAM_WIDE(NAME, TARGET, V, W, SPLAT, LOAD, STORE, ADD, SUB, MUL, DIV, SQRT)             \
TARGET static long NAME(float *w, const float *g, float *m, float *v, long n, float stepSize,      \
                        float correction2, float omb1, float b2, float omb2, float eps) {          \
    const V vs = SPLAT(stepSize), vc = SPLAT(correction2), v1 = SPLAT(omb1);                     \
    const V vb2 = SPLAT(b2), v2 = SPLAT(omb2), ve = SPLAT(eps);                                   \
    long i = 0;                                                                                   \
    for (; i + W <= n; i += W) {                                                                  \
        V gi = LOAD(g + i), mi = LOAD(m + i), vi = LOAD(v + i), wi = LOAD(w + i);                 \
        mi = ADD(mi, MUL(v1, SUB(gi, mi)));                                                       \
        vi = ADD(MUL(vi, vb2), MUL(MUL(v2, gi), gi));                                             \
        V d = ADD(DIV(SQRT(vi), vc), ve);                                                         \
        wi = ADD(wi, DIV(MUL(vs, mi), d));                                                        \
        STORE(m + i, mi);                                                                         \
        STORE(v + i, vi);                                                                         \
        STORE(w + i, wi);                                                                         \
    }                                                                                             \
    return i;                                                                                     \
}
BP_ADAM_WIDE(adam_avx2, __attribute__((target("avx2,fma"))), __m256, 8, _mm256_set1_ps, _mm256_loadu_ps,
             _mm256_storeu_ps, _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_sqrt_ps)
BP_ADAM_WIDE(adam_avx512, __attribute__((target("avx512f,fma"))), __m512, 16, _mm512_set1_ps, _mm512_loadu_ps,
             _mm512_storeu_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_sqrt_ps)
#endif

typedef long (*adam_fn)(float *, const float *, float *, float *, long, float, float, float, float, float, float);
static adam_fn adam_impl;

static adam_fn choose_adam(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return adam_avx512;
    if (__builtin_cpu_supports("avx2")) return adam_avx2;
#endif
    return adam_vector;
}

void bp_adam_f32(float *w, const float *g, float *m, float *v, long n,
                 float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    adam_fn f = __atomic_load_n(&adam_impl, __ATOMIC_ACQUIRE);
    if (!f) { f = choose_adam(); __atomic_store_n(&adam_impl, f, __ATOMIC_RELEASE); }
    long i = f(w, g, m, v, n, stepSize, correction2, omb1, b2, omb2, eps);
    i += adam_vector(w + i, g + i, m + i, v + i, n - i, stepSize, correction2, omb1, b2, omb2, eps);
    adam_scalar(w, g, m, v, i, n, stepSize, correction2, omb1, b2, omb2, eps);
}
