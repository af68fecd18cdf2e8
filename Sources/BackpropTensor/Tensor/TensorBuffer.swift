/// The reference-counted, 64-byte aligned memory behind a ``Tensor``.
///
/// Tensors share a buffer until one of them is mutated (copy-on-write, see
/// `Tensor.makeUnique()`), so passing tensors around by value costs no copies. The memory comes
/// from ``BufferPool``, so a training loop that makes tensors of the same sizes step after step
/// reuses blocks instead of calling the allocator (and, for large blocks, the kernel) each time.
@usableFromInline package final class TensorBuffer: @unchecked Sendable {
    let count: Int
    let dtype: DType
    package let raw: UnsafeMutableRawPointer

    init(count: Int, dtype: DType) {
        self.count = count
        self.dtype = dtype
        raw = BufferPool.allocate(byteCount: count * dtype.byteSize)
    }

    deinit { BufferPool.release(raw, byteCount: count * dtype.byteSize) }

    func copy() -> TensorBuffer {
        let other = TensorBuffer(count: count, dtype: dtype)
        other.raw.copyMemory(from: raw, byteCount: count * dtype.byteSize)
        return other
    }

    @inline(__always) @usableFromInline package func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }
}
