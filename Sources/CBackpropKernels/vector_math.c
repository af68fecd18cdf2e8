#include "BackpropVectorMath.h"

// A square root without errno, so the loop vectorises (clang: the elementwise builtin; GCC, used
// by the C test build: the plain builtin, which the test build compiles with -fno-math-errno).
#if defined(__clang__)
#define BP_SQRT(x) __builtin_elementwise_sqrt(x)
#define BP_SQRTF(x) __builtin_elementwise_sqrt(x)
#else
#define BP_SQRT(x) __builtin_sqrt(x)
#define BP_SQRTF(x) __builtin_sqrtf(x)
#endif

void bp_sqrt_f32(float *x, long n) {
    for (long i = 0; i < n; i++) x[i] = BP_SQRTF(x[i]);
}

void bp_sqrt_f64(double *x, long n) {
    for (long i = 0; i < n; i++) x[i] = BP_SQRT(x[i]);
}
