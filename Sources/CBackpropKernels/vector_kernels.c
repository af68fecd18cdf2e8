// Element loops Swift does not vectorise (see BackpropVectorKernels.h). Baseline SSE only, so
// every x86-64 CPU runs them; results equal the scalar IEEE operations element by element.
#include "BackpropVectorKernels.h"

#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

void bp_adam_f32(float *w, const float *g, float *m, float *v, long n,
                 float stepSize, float correction2, float omb1, float b2, float omb2, float eps) {
    long i = 0;
#if defined(__x86_64__)
    const __m128 vs = _mm_set1_ps(stepSize), vc = _mm_set1_ps(correction2), v1 = _mm_set1_ps(omb1);
    const __m128 vb2 = _mm_set1_ps(b2), v2 = _mm_set1_ps(omb2), ve = _mm_set1_ps(eps);
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
#endif
    for (; i < n; i++) {
        m[i] = m[i] + omb1 * (g[i] - m[i]);
        v[i] = v[i] * b2 + (omb2 * g[i]) * g[i];
        float d = sqrtf(v[i]) / correction2 + eps;
        w[i] = w[i] + (stepSize * m[i]) / d;
    }
}
