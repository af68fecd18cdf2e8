import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded, thread-safe cache of freed tensor memory, bucketed by size.
///
/// Blocks of up to 16 MiB are rounded up to a power of two and, when freed, kept in their
/// size's bucket (at most ``maxBlocksPerBucket`` each, and at most ``maxCachedBytes`` in all)
/// to serve the next request of that size. Training steps allocate the same sizes every step,
/// so once warm they stop calling `malloc`/`free` (and `mmap`/`munmap` plus page faults for
/// large blocks, which is what glibc does above 128 KiB). Larger blocks go straight to the
/// system allocator (`posix_memalign`, so a request larger than memory stops with a message
/// instead of a runtime trap). Memory is 64-byte aligned.
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
            var p: UnsafeMutableRawPointer?
            guard posix_memalign(&p, 64, byteCount) == 0, let p else {
                fatalError("Tensor: cannot allocate \(byteCount) bytes (\(byteCount >> 20) MiB): out of memory")
            }
            return p
        }
        let cached: UInt = state.withLock { s in
            guard let p = s.buckets[b].popLast() else { return 0 }
            s.cachedBytes -= 1 << b
            return p
        }
        return UnsafeMutableRawPointer(bitPattern: cached) ?? UnsafeMutableRawPointer.allocate(byteCount: 1 << b, alignment: 64)
    }

    static func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard let b = bucket(byteCount) else { free(pointer); return }
        let address = UInt(bitPattern: pointer)
        let kept: Bool = state.withLock { s in
            guard s.buckets[b].count < maxBlocksPerBucket, s.cachedBytes + (1 << b) <= maxCachedBytes else { return false }
            s.buckets[b].append(address)
            s.cachedBytes += 1 << b
            return true
        }
        if !kept { pointer.deallocate() }
    }

}
