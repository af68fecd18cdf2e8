// Element loops Swift does not vectorise (see BackpropVectorKernels.h). Vector paths: SSE
// (baseline x86-64, so every x86-64 CPU runs it) and NEON (every ARM64 CPU); the scalar loop
// serves the tail and other CPUs. Every path performs the scalar rule's IEEE operations in the
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

#if defined(__x86_64__)
/// Four lanes at a time with SSE; returns the number of elements done (a multiple of 4).
static long adam_vector(float *w, const float *g, float *m, float *v, long n,
                        float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    const __m128 vs = _mm_set1_ps(stepSize), vc = _mm_set1_ps(correction2), v1 = _mm_set1_ps(omb1);
    const __m128 vb2 = _mm_set1_ps(b2), v2 = _mm_set1_ps(omb2), ve = _mm_set1_ps(eps);
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128 gi = _mm_loadu_ps(g + i), mi = _mm_loadu_ps(m + i), vi = _mm_loadu_ps(v + i), wi = _mm_loadu_ps(w + i);
        mi = _mm_add_ps(mi, _mm_mul_ps(v1, _mm_sub_ps(gi, mi)));
        vi = _mm_add_ps(_mm_mul_ps(vi, vb2), _mm_mul_ps(_mm_mul_ps(v2, gi), gi));
        __m128 d = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), vc), ve);
        wi = _mm_add_ps(wi, _mm_div_ps(_mm_mul_ps(vs, mi), d));
        _mm_storeu_ps(m + i, mi);
        _mm_storeu_ps(v + i, vi);
        _mm_storeu_ps(w + i, wi);
    }
    return i;
}
#elif defined(__aarch64__)
/// Four lanes at a time with NEON (vsqrtq / vdivq are correctly rounded, like sqrtf and /).
static long adam_vector(float *w, const float *g, float *m, float *v, long n,
                        float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    const float32x4_t vs = vdupq_n_f32(stepSize), vc = vdupq_n_f32(correction2), v1 = vdupq_n_f32(omb1);
    const float32x4_t vb2 = vdupq_n_f32(b2), v2 = vdupq_n_f32(omb2), ve = vdupq_n_f32(eps);
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t gi = vld1q_f32(g + i), mi = vld1q_f32(m + i), vi = vld1q_f32(v + i), wi = vld1q_f32(w + i);
        mi = vaddq_f32(mi, vmulq_f32(v1, vsubq_f32(gi, mi)));
        vi = vaddq_f32(vmulq_f32(vi, vb2), vmulq_f32(vmulq_f32(v2, gi), gi));
        float32x4_t d = vaddq_f32(vdivq_f32(vsqrtq_f32(vi), vc), ve);
        wi = vaddq_f32(wi, vdivq_f32(vmulq_f32(vs, mi), d));
        vst1q_f32(m + i, mi);
        vst1q_f32(v + i, vi);
        vst1q_f32(w + i, wi);
    }
    return i;
}
#else
static long adam_vector(float *w, const float *g, float *m, float *v, long n,
                        float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    (void)w; (void)g; (void)m; (void)v; (void)n; (void)stepSize; (void)correction2;
    (void)omb1; (void)b2; (void)omb2; (void)eps;
    return 0;
}
#endif

void bp_adam_f32(float *w, const float *g, float *m, float *v, long n,
                 float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    long i = adam_vector(w, g, m, v, n, stepSize, correction2, omb1, b2, omb2, eps);
    adam_scalar(w, g, m, v, i, n, stepSize, correction2, omb1, b2, omb2, eps);
}
