#include "BackpropVectorMath.h"

void bp_sqrt_f32(float *x, long n) {
    for (long i = 0; i < n; i++) x[i] = __builtin_elementwise_sqrt(x[i]);
}

void bp_sqrt_f64(double *x, long n) {
    for (long i = 0; i < n; i++) x[i] = __builtin_elementwise_sqrt(x[i]);
}
