#ifndef BACKPROP_VECTOR_MATH_H
#define BACKPROP_VECTOR_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

/// x[i] = sqrt(x[i]) for i < n, correctly rounded, in a loop the compiler vectorises.
/// (Swift's `squareRoot()` calls libm's `sqrtf` on Linux, whose errno contract keeps any loop
/// around it scalar; `__builtin_elementwise_sqrt` has no errno side effect.)
void bp_sqrt_f32(float *x, long n);

/// Double-precision twin of `bp_sqrt_f32`.
void bp_sqrt_f64(double *x, long n);

/// out[i] = tanh(x[i]) for i < n, evaluated in double and rounded once (see vector_tanh.c):
/// bit-identical to Swift's `tanhFloat` on every path (AVX-512, AVX2, scalar), chosen at run time.
/// `out` may equal `x`.
void bp_tanh_f32(const float *x, float *out, long n);

/// The scalar rule of `bp_tanh_f32` on any CPU (the reference its vector paths are tested against).
void bp_tanh_f32_portable(const float *x, float *out, long n);

#ifdef __cplusplus
}
#endif

#endif
