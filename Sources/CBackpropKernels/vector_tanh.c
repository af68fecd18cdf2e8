// tanh over float arrays, evaluated in double and rounded once: the same formula, the same IEEE
// operations in the same order as Swift's `tanhFloat4` (Sources/BackpropTensor/Kernels/FastMath.swift),
// so every path here and the Swift function give bit-identical results. Paths: AVX-512 (8
// doubles a vector), AVX2 (4), and the scalar rule (any CPU), chosen once at run time.
//   a = min(|x|, 9.1f); y = 2a; e^y = 2^n e^r with n = round(y / ln 2) by the 1.5 * 2^52 shift
//   trick and e^r by its Taylor series to degree 11; tanh = 1 - 2 / (e^y + 1), or below 2^-5
//   the series a - a^3/3 + 2a^5/15 - 17a^7/315; then the sign of x.
#include "BackpropVectorMath.h"

#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#define BP_MAGIC 6755399441055744.0
#define BP_LOG2E 1.4426950408889634
#define BP_LN2_HI 0.6931471805598903
#define BP_LN2_LO 5.497923018708371e-14

/// The rule for one element (also the tail of the vector paths).
static float tanh_scalar(float x) {
    uint32_t xb;
    memcpy(&xb, &x, 4);
    uint32_t ab = xb & 0x7FFFFFFFu;
    float ax;
    memcpy(&ax, &ab, 4);
    double a = (double)(ax > 9.1f ? 9.1f : ax);
    double y = 2 * a;
    double shifted = y * BP_LOG2E + BP_MAGIC;
    double n = shifted - BP_MAGIC;
    double r = (y - n * BP_LN2_HI) - n * BP_LN2_LO;
    double p = 1.0 / 39916800;
    p = p * r + 1.0 / 3628800;
    p = p * r + 1.0 / 362880;
    p = p * r + 1.0 / 40320;
    p = p * r + 1.0 / 5040;
    p = p * r + 1.0 / 720;
    p = p * r + 1.0 / 120;
    p = p * r + 1.0 / 24;
    p = p * r + 1.0 / 6;
    p = p * r + 0.5;
    p = p * r + 1;
    p = p * r + 1;
    uint64_t sb, mb;
    memcpy(&sb, &shifted, 8);
    double magic = BP_MAGIC;
    memcpy(&mb, &magic, 8);
    uint64_t scaleBits = (sb - mb + 1023) << 52;
    double scale;
    memcpy(&scale, &scaleBits, 8);
    double denominator = p * scale + 1;
    double large = 1 - 2 / denominator;
    double a2 = a * a;
    double q = a2 * (-17.0 / 315) + 2.0 / 15;
    q = a2 * q - 1.0 / 3;
    q = a2 * q + 1;
    double small = a * q;
    float t = (float)(a < 0x1p-5 ? small : large);
    uint32_t tb;
    memcpy(&tb, &t, 4);
    tb |= xb & 0x80000000u;
    memcpy(&t, &tb, 4);
    return t;
}

static void tanh_portable(const float *x, float *out, long n) {
    for (long i = 0; i < n; i++) out[i] = tanh_scalar(x[i]);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// One vector of doubles VD (W lanes) from W floats, the rule, W floats back. The macro takes
// the ISA's intrinsics; every operation is the scalar rule's, lane by lane.
#define BP_TANH_VECTOR(NAME, TARGET, VD, VI, W, LOADF, CVT_PD, CVT_PS, STOREF, SET1, ADD, SUB, MUL, DIV, \
                       MIN_ABS_F, BLEND_SMALL, ADD64, SUB64, SLL64, CASTPD_SI, CASTSI_PD, SET1_64, SIGN_OR) \
TARGET static void NAME(const float *x, float *out, long n) {                                  \
    long i = 0;                                                                                 \
    for (; i + W <= n; i += W) {                                                                \
        __typeof__(LOADF(x)) xf = LOADF(x + i);                                                  \
        VD a = CVT_PD(MIN_ABS_F(xf));                                                           \
        VD y = MUL(SET1(2.0), a);                                                               \
        VD shifted = ADD(MUL(y, SET1(BP_LOG2E)), SET1(BP_MAGIC));                               \
        VD nn = SUB(shifted, SET1(BP_MAGIC));                                                   \
        VD r = SUB(SUB(y, MUL(nn, SET1(BP_LN2_HI))), MUL(nn, SET1(BP_LN2_LO)));                  \
        VD p = SET1(1.0 / 39916800);                                                            \
        p = ADD(MUL(p, r), SET1(1.0 / 3628800));                                                \
        p = ADD(MUL(p, r), SET1(1.0 / 362880));                                                 \
        p = ADD(MUL(p, r), SET1(1.0 / 40320));                                                  \
        p = ADD(MUL(p, r), SET1(1.0 / 5040));                                                   \
        p = ADD(MUL(p, r), SET1(1.0 / 720));                                                    \
        p = ADD(MUL(p, r), SET1(1.0 / 120));                                                    \
        p = ADD(MUL(p, r), SET1(1.0 / 24));                                                     \
        p = ADD(MUL(p, r), SET1(1.0 / 6));                                                      \
        p = ADD(MUL(p, r), SET1(0.5));                                                          \
        p = ADD(MUL(p, r), SET1(1.0));                                                          \
        p = ADD(MUL(p, r), SET1(1.0));                                                          \
        VI bits = SLL64(ADD64(SUB64(CASTPD_SI(shifted), CASTPD_SI(SET1(BP_MAGIC))), SET1_64(1023)), 52); \
        VD scale = CASTSI_PD(bits);                                                             \
        VD denominator = ADD(MUL(p, scale), SET1(1.0));                                         \
        VD large = SUB(SET1(1.0), DIV(SET1(2.0), denominator));                                 \
        VD a2 = MUL(a, a);                                                                      \
        VD q = ADD(MUL(a2, SET1(-17.0 / 315)), SET1(2.0 / 15));                                 \
        q = SUB(MUL(a2, q), SET1(1.0 / 3));                                                     \
        q = ADD(MUL(a2, q), SET1(1.0));                                                         \
        VD small = MUL(a, q);                                                                   \
        VD t = BLEND_SMALL(a, small, large);                                                    \
        STOREF(out + i, SIGN_OR(CVT_PS(t), xf));                                                \
    }                                                                                           \
    for (; i < n; i++) out[i] = tanh_scalar(x[i]);                                              \
}

// AVX2: 4 floats (__m128) <-> 4 doubles (__m256d).
#define AVX2_T __attribute__((target("avx2,fma")))
AVX2_T static inline __m128 avx2_min_abs(__m128 v) {
    __m128 ax = _mm_and_ps(v, _mm_castsi128_ps(_mm_set1_epi32(0x7FFFFFFF)));
    __m128 big = _mm_cmp_ps(ax, _mm_set1_ps(9.1f), _CMP_GT_OQ);     // NaN: false, stays NaN
    return _mm_blendv_ps(ax, _mm_set1_ps(9.1f), big);
}
AVX2_T static inline __m256d avx2_blend_small(__m256d a, __m256d small, __m256d large) {
    return _mm256_blendv_pd(large, small, _mm256_cmp_pd(a, _mm256_set1_pd(0x1p-5), _CMP_LT_OQ));
}
AVX2_T static inline __m128 avx2_sign_or(__m128 t, __m128 x) {
    return _mm_or_ps(t, _mm_and_ps(x, _mm_castsi128_ps(_mm_set1_epi32((int)0x80000000u))));
}
BP_TANH_VECTOR(tanh_avx2, AVX2_T, __m256d, __m256i, 4, _mm_loadu_ps, _mm256_cvtps_pd, _mm256_cvtpd_ps,
               _mm_storeu_ps, _mm256_set1_pd, _mm256_add_pd, _mm256_sub_pd, _mm256_mul_pd, _mm256_div_pd,
               avx2_min_abs, avx2_blend_small, _mm256_add_epi64, _mm256_sub_epi64, _mm256_slli_epi64,
               _mm256_castpd_si256, _mm256_castsi256_pd, _mm256_set1_epi64x, avx2_sign_or)

// AVX-512: 8 floats (__m256) <-> 8 doubles (__m512d).
#define AVX512_T __attribute__((target("avx512f,avx512vl,avx2,fma")))
AVX512_T static inline __m256 avx512_min_abs(__m256 v) {
    __m256 ax = _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF)));
    __m256 big = _mm256_cmp_ps(ax, _mm256_set1_ps(9.1f), _CMP_GT_OQ);
    return _mm256_blendv_ps(ax, _mm256_set1_ps(9.1f), big);
}
AVX512_T static inline __m512d avx512_blend_small(__m512d a, __m512d small, __m512d large) {
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, _mm512_set1_pd(0x1p-5), _CMP_LT_OQ), large, small);
}
AVX512_T static inline __m256 avx512_sign_or(__m256 t, __m256 x) {
    return _mm256_or_ps(t, _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u))));
}
BP_TANH_VECTOR(tanh_avx512, AVX512_T, __m512d, __m512i, 8, _mm256_loadu_ps, _mm512_cvtps_pd, _mm512_cvtpd_ps,
               _mm256_storeu_ps, _mm512_set1_pd, _mm512_add_pd, _mm512_sub_pd, _mm512_mul_pd, _mm512_div_pd,
               avx512_min_abs, avx512_blend_small, _mm512_add_epi64, _mm512_sub_epi64, _mm512_slli_epi64,
               _mm512_castpd_si512, _mm512_castsi512_pd, _mm512_set1_epi64, avx512_sign_or)
#endif

typedef void (*tanh_fn)(const float *, float *, long);
static tanh_fn tanh_impl;

static tanh_fn choose_tanh(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return tanh_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return tanh_avx2;
#endif
    return tanh_portable;
}

void bp_tanh_f32(const float *x, float *out, long n) {
    tanh_fn f = __atomic_load_n(&tanh_impl, __ATOMIC_ACQUIRE);
    if (!f) { f = choose_tanh(); __atomic_store_n(&tanh_impl, f, __ATOMIC_RELEASE); }
    f(x, out, n);
}

void bp_tanh_f32_portable(const float *x, float *out, long n) { tanh_portable(x, out, n); }
