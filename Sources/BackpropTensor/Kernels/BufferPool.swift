import Synchronization

/// A bounded, thread-safe cache of freed tensor memory, bucketed by size.
///
/// Blocks of up to 16 MiB are rounded up to a power of two and, when freed, kept in their
/// size's bucket (at most ``maxBlocksPerBucket`` each, and at most ``maxCachedBytes`` in all)
/// to serve the next request of that size. Training steps allocate the same sizes every step,
/// so once warm they stop calling `malloc`/`free` (and `mmap`/`munmap` plus page faults for
/// large blocks, which is what glibc does above 128 KiB). Larger blocks go straight to the
/// system allocator. Memory is 64-byte aligned.
enum BufferPool {
    static let maxPooledBytes = 16 << 20
    static let maxCachedBytes = 64 << 20
    static let maxBlocksPerBucket = 32
    static let minimumShift = 6            // 64-byte blocks at least

    private struct State: ~Copyable {
        var buckets: [[UInt]] = Array(repeating: [], count: 25)   // addresses of cached blocks
        var cachedBytes = 0
    }

    private static let state = Mutex(State())

    /// The bucket (log2 of the block size) for a request, or nil when it is not pooled.
    @inline(__always)
    private static func bucket(_ byteCount: Int) -> Int? {
        if byteCount > maxPooledBytes { return nil }
        let size = Swift.max(byteCount, 1 << minimumShift)
        return Int.bitWidth - (size - 1).leadingZeroBitCount
    }

    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard let b = bucket(byteCount) else {
            return UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
        }
        let cached: UInt = state.withLock { s in
            guard let p = s.buckets[b].popLast() else { return 0 }
            s.cachedBytes -= 1 << b
            return p
        }
        return UnsafeMutableRawPointer(bitPattern: cached) ?? UnsafeMutableRawPointer.allocate(byteCount: 1 << b, alignment: 64)
    }

    static func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard let b = bucket(byteCount) else { pointer.deallocate(); return }
        let address = UInt(bitPattern: pointer)
        let kept: Bool = state.withLock { s in
            guard s.buckets[b].count < maxBlocksPerBucket, s.cachedBytes + (1 << b) <= maxCachedBytes else { return false }
            s.buckets[b].append(address)
            s.cachedBytes += 1 << b
            return true
        }
        if !kept { pointer.deallocate() }
    }

    /// Frees every cached block (tests and memory-tight programs).
    static func drain() {
        let blocks: [UInt] = state.withLock { s in
            let all = s.buckets.flatMap { $0 }
            for i in s.buckets.indices { s.buckets[i].removeAll(keepingCapacity: true) }
            s.cachedBytes = 0
            return all
        }
        for p in blocks { UnsafeMutableRawPointer(bitPattern: p)?.deallocate() }
    }
}
