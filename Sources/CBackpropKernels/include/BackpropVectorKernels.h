#ifndef BACKPROP_VECTOR_KERNELS_H
#define BACKPROP_VECTOR_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// One Adam step (PyTorch's update, no weight decay, no AMSGrad) over n floats, with AVX-512,
/// AVX2 or SSE vectors (x86-64, the widest the CPU has) or NEON (ARM64) and the same operations
/// in the same order as the scalar rule, so every path gives bit-identical results:
///   m = m + omb1 * (g - m);  v = v * b2 + (omb2 * g) * g;
///   w = w + (stepSize * m) / (sqrt(v) / correction2 + eps)
/// Swift cannot emit a vector square root without this (its Float.squareRoot is per lane).
void bp_adam_f32(float *w, const float *g, float *m, float *v, long n,
                 float stepSize, float correction2, float omb1, float b2, float omb2, float eps);

#ifdef __cplusplus
}
#endif

#endif
