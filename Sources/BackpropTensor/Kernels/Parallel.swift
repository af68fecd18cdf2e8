import CBackpropKernels
import Synchronization
/// How many threads Backprop's kernels may use.
///
/// Defaults to the number of active cores. Results do not depend on it: every kernel splits
/// work so that each output element is computed by one thread in a fixed order.
public enum Threading {
    private static let storedCount = Atomic<Int>(0)

    /// The number of threads kernels split their work over (at least 1).
    public static var threadCount: Int {
        get {
            let n = storedCount.load(ordering: .relaxed)
            return n > 0 ? n : defaultCount
        }
        set {
            guard newValue >= 1 else { fatalError("Threading.threadCount: \(newValue) is not a valid thread count (need at least 1)") }
            storedCount.store(newValue, ordering: .relaxed)
        }
    }

    static let defaultCount: Int = Platform.activeProcessorCount
}

/// Runs `body(i)` for `i in 0..<count`, spread over up to `Threading.threadCount` threads.
/// Work too small to pay for a thread hand-off (`count * costPerItem < 2^15`) stays on the
/// calling thread. The other threads are persistent workers (`bp_parallel_for` in
/// `thread_pool.c`) that spin briefly between jobs, so a hand-off costs well under a
/// microsecond when jobs follow each other, instead of waking a Dispatch thread each time.
@inline(__always)
@usableFromInline package func parallelFor(_ count: Int, costPerItem: Int = 1, _ body: (Int) -> Void) {
    let threads = min(Threading.threadCount, count)
    if threads <= 1 || count * costPerItem < 1 << 15 {
        for i in 0..<count { body(i) }
        return
    }
    // The pool hands out pieces of up to 4 · threads contiguous ranges, not single indices:
    // calling the closure through the C callback retains and releases its context, and with
    // one call per index two threads fight over that reference count (W7's im2col spent more
    // time there than copying).
    let pieces = min(count, threads * 4)
    withoutActuallyEscaping(body) { body in
        // The kernels hand each iteration a disjoint part of the output, so sharing the
        // closure across threads is safe even though its captures are raw pointers.
        var perPiece: (Int) -> Void = { piece in
            for i in chunk(count, part: piece, of: pieces) { body(i) }
        }
        withUnsafeMutablePointer(to: &perPiece) { context in
            bp_parallel_for(pieces, threads, { context, i in
                context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(i)
            }, context)
        }
    }
}

/// Splits `0..<count` into `parts` contiguous ranges of near-equal size.
@inline(__always)
@inlinable package func chunk(_ count: Int, part: Int, of parts: Int) -> Range<Int> {
    let base = count / parts, extra = count % parts
    let start = part * base + min(part, extra)
    return start..<(start + base + (part < extra ? 1 : 0))
}

/// Flush subnormal floats to zero (`true`) or compute with them (`false`, the default), as
/// PyTorch's `torch.set_flush_denormal`. Returns whether the CPU supports the mode (x86-64 and
/// ARM64 do).
///
/// Subnormal numbers (below about 1.2e-38 in Float) are slow on many CPUs: an Intel core takes
/// a microcode assist of a hundred cycles or more for each operation that reads or makes one.
/// Adam's first moment of a weight whose gradient stays zero decays into that range, where
/// `m + 0.1·(0 - m)` can round back to `m` for good, so a long training run can spend a third of
/// its time on them (W1 on an Intel Xeon: epoch 5 takes 1.5× epoch 1). Flushing makes those
/// values zero instead — results then differ from the IEEE ones wherever a subnormal occurs.
/// The mode applies to the calling thread and to Backprop's worker threads (each takes it up
/// before its next job); other threads keep theirs.
@discardableResult
public func setFlushDenormal(_ mode: Bool) -> Bool {
    bp_set_flush_denormal(mode ? 1 : 0) == 1
}
