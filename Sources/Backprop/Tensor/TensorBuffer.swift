/// The reference-counted, 64-byte aligned memory behind a ``Tensor``.
///
/// Tensors share a buffer until one of them is mutated (copy-on-write, see
/// `Tensor.makeUnique()`), so passing tensors around by value costs no copies.
final class TensorBuffer: @unchecked Sendable {
    let count: Int
    let dtype: DType
    let raw: UnsafeMutableRawPointer

    init(count: Int, dtype: DType) {
        self.count = count
        self.dtype = dtype
        raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * dtype.byteSize, alignment: 64)
    }

    deinit { raw.deallocate() }

    func copy() -> TensorBuffer {
        let other = TensorBuffer(count: count, dtype: dtype)
        other.raw.copyMemory(from: raw, byteCount: count * dtype.byteSize)
        return other
    }

    @inline(__always) func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }
}
