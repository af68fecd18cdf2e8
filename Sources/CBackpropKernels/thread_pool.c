// A persistent pool of worker threads for bp_parallel_for (see BackpropThreadPool.h).
//
// Protocol (all atomics sequentially consistent unless noted):
//   the caller holds `owner`; it writes the job (body, context, count, next = 0, seats = 0),
//   then makes `generation` odd (job open) and wakes sleeping workers; it claims indices from
//   `next` like the workers; when none are left it makes `generation` even (job closed) and
//   waits for `busy` to reach 0.
//   A worker that sees an odd generation g it has not served increments `busy`, re-reads
//   `generation` and only if it still equals g takes a seat (at most threads - 1) and claims
//   indices. Because the increment precedes the re-read, a worker that passed the re-read is
//   seen by the caller's wait, so the job's fields are never rewritten while a worker reads them.
#include "BackpropThreadPool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BP_PAUSE() _mm_pause()
#else
#define BP_PAUSE() ((void)0)
#endif

// Flush-to-zero of subnormal floats (bp_set_flush_denormal): the mode every thread of the pool
// should run in; each worker applies it to its own control register before serving a job.
static atomic_int flush_denormal_mode;

/// Sets this thread's flush-to-zero and denormals-are-zero bits (x86: MXCSR FTZ and DAZ;
/// ARM64: FPCR.FZ). Returns 1 where the CPU has them, else 0.
static int apply_flush_denormal(int on) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned csr = _mm_getcsr();
    _mm_setcsr(on ? (csr | 0x8040u) : (csr & ~0x8040u));
    return 1;
#elif defined(__aarch64__)
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr = on ? (fpcr | (1ul << 24)) : (fpcr & ~(1ul << 24));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
    return 1;
#else
    (void)on;
    return 0;
#endif
}

int bp_set_flush_denormal(int on) {
    atomic_store(&flush_denormal_mode, on ? 1 : 0);
    return apply_flush_denormal(on);
}

int bp_flush_denormal(void) { return atomic_load(&flush_denormal_mode); }

#define BP_MAX_WORKERS 63
// Polls of `generation` a worker makes after a job before it goes to sleep: the first
// BP_PAUSE_POLLS with a pause instruction between them (a few µs), the rest with sched_yield,
// which gives the core to any other runnable thread (the machine may be shared) and otherwise
// returns at once.
#define BP_PAUSE_POLLS 2000
#define BP_SPIN_POLLS 20000

static struct {
    atomic_flag owner;
    atomic_long generation;
    atomic_long busy;
    atomic_long next;
    atomic_long seats;
    atomic_long sleepers;
    long count, helpers;
    void (*body)(void *, long);
    void *context;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    long workers;  // only touched by the owner
} pool = {
    .owner = ATOMIC_FLAG_INIT,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static void serve(long g) {
    atomic_fetch_add(&pool.busy, 1);
    if (atomic_load(&pool.generation) == g && atomic_fetch_add(&pool.seats, 1) < pool.helpers) {
        long i;
        while ((i = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed)) < pool.count)
            pool.body(pool.context, i);
    }
    atomic_fetch_sub(&pool.busy, 1);
}

static void *worker_main(void *unused) {
    (void)unused;
    long served = 0;
    int flushing = 0;
    for (;;) {
        long g = 0;
        int found = 0;
        for (long polls = 0; polls < BP_SPIN_POLLS; polls++) {
            g = atomic_load_explicit(&pool.generation, memory_order_acquire);
            if ((g & 1) && g != served) { found = 1; break; }
            if (polls < BP_PAUSE_POLLS) BP_PAUSE(); else sched_yield();
        }
        if (!found) {
            pthread_mutex_lock(&pool.lock);
            atomic_fetch_add(&pool.sleepers, 1);
            for (;;) {
                g = atomic_load(&pool.generation);
                if ((g & 1) && g != served) break;
                pthread_cond_wait(&pool.wake, &pool.lock);
            }
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.lock);
        }
        served = g;
        int want = atomic_load_explicit(&flush_denormal_mode, memory_order_relaxed);
        if (want != flushing) { apply_flush_denormal(want); flushing = want; }
        serve(g);
    }
    return NULL;
}

void bp_parallel_for(long count, long threads, void (*body)(void *, long), void *context) {
    if (count <= 0) return;
    long helpers = threads - 1;
    if (helpers > count - 1) helpers = count - 1;
    if (helpers > BP_MAX_WORKERS) helpers = BP_MAX_WORKERS;
    if (helpers <= 0 || atomic_flag_test_and_set_explicit(&pool.owner, memory_order_acquire)) {
        for (long i = 0; i < count; i++) body(context, i);
        return;
    }
    while (pool.workers < helpers) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker_main, NULL);
        pthread_attr_destroy(&attr);
        if (failed) break;
        pool.workers++;
    }
    if (helpers > pool.workers) helpers = pool.workers;
    pool.body = body;
    pool.context = context;
    pool.count = count;
    pool.helpers = helpers;
    atomic_store(&pool.seats, 0);
    atomic_store(&pool.next, 0);
    atomic_fetch_add(&pool.generation, 1);  // odd: open
    if (helpers > 0 && atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    long i;
    while ((i = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed)) < count)
        body(context, i);
    atomic_fetch_add(&pool.generation, 1);  // even: closed
    // Workers still inside the job: spin a little, then yield (a preempted worker needs the core).
    for (long polls = 0; atomic_load(&pool.busy) != 0; polls++) {
        if (polls < BP_PAUSE_POLLS) BP_PAUSE(); else sched_yield();
    }
    atomic_flag_clear_explicit(&pool.owner, memory_order_release);
}
