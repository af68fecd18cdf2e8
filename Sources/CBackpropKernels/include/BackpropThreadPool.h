#ifndef BACKPROP_THREAD_POOL_H
#define BACKPROP_THREAD_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// Runs `body(context, i)` for every `i` in `0..<count` on the calling thread and up to
/// `threads - 1` persistent worker threads, which claim indices one at a time in turn.
/// Returns when every call has returned. The workers are created on first use and, between
/// jobs, spin briefly (so back-to-back jobs start in well under a microsecond) and then sleep.
/// Calls made while the pool is already running a job (from another thread, or from inside
/// `body`) run all their indices on the calling thread.
void bp_parallel_for(long count, long threads, void (*body)(void *context, long i), void *context);

/// Flush-to-zero mode for subnormal floats, as PyTorch's `torch.set_flush_denormal`: sets the
/// calling thread's control register (x86: MXCSR FTZ and DAZ; ARM64: FPCR.FZ) and makes every
/// worker of the pool apply the same before its next job. Returns 1 where the CPU supports it.
int bp_set_flush_denormal(int on);

/// The mode last set with `bp_set_flush_denormal` (0 by default).
int bp_flush_denormal(void);

#ifdef __cplusplus
}
#endif

#endif
