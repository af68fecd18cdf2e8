extension Tensor {
    /// Matrix product `op(self) · op(other)` where `op` transposes the last two axes when asked.
    ///
    /// Rank 2 × rank 2 is the matrix product. Higher ranks are batched over the leading axes,
    /// which must match; a rank-2 `other` is shared by every matrix of the batch.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        guard dtype == other.dtype else {
            fatalError("matmul: element types differ (\(dtype) and \(other.dtype))")
        }
        guard rank >= 2, other.rank >= 2 else {
            fatalError("matmul: needs operands of rank >= 2, got shapes \(shape) and \(other.shape)")
        }
        let m = transposeSelf ? shape[rank - 1] : shape[rank - 2]
        let k = transposeSelf ? shape[rank - 2] : shape[rank - 1]
        let k2 = transposeOther ? other.shape[other.rank - 1] : other.shape[other.rank - 2]
        let n = transposeOther ? other.shape[other.rank - 2] : other.shape[other.rank - 1]
        guard k == k2 else {
            fatalError("matmul: shapes \(shape)\(transposeSelf ? "ᵀ" : "") and \(other.shape)\(transposeOther ? "ᵀ" : "") are not aligned (inner sizes \(k) and \(k2))")
        }
        if rank == 2 && other.rank == 2 {
            // The common case, without the batch bookkeeping.
            var out = Tensor(uninitializedShape: [m, n], dtype: dtype)
            let lda = shape[1], ldb = other.shape[1]
            func run2<T: TensorScalar>(_: T.Type) {
                withPointer(T.self) { a in other.withPointer(T.self) { b in out.withMutablePointer(T.self) { c in
                    MatrixMultiply.gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                                        a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: n)
                } } }
            }
            switch dtype {
            case .float32: run2(Float.self)
            case .float64: run2(Double.self)
            }
            return out
        }
        let batchShape = Array(shape.dropLast(2))
        let otherBatch = Array(other.shape.dropLast(2))
        guard otherBatch.isEmpty || otherBatch == batchShape else {
            fatalError("matmul: batch shapes \(batchShape) and \(otherBatch) differ (shapes \(shape) and \(other.shape))")
        }
        let batch = batchShape.reduce(1, *)
        var out = Tensor(uninitializedShape: batchShape + [m, n], dtype: dtype)
        let lda = shape[rank - 1], ldb = other.shape[other.rank - 1]
        let aStride = shape[rank - 2] * lda
        let bStride = otherBatch.isEmpty ? 0 : other.shape[other.rank - 2] * ldb
        func run<T: TensorScalar>(_: T.Type) {
            withPointer(T.self) { a in other.withPointer(T.self) { b in out.withMutablePointer(T.self) { c in
                // A rank-2 `other` with an untransposed batch of `self` is one big product.
                if bStride == 0 && !transposeSelf && batch > 1 {
                    MatrixMultiply.gemm(transA: false, transB: transposeOther, m: batch * m, n: n, k: k,
                                        a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: n)
                    return
                }
                for i in 0..<batch {
                    MatrixMultiply.gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                                        a: a + i * aStride, lda: lda, b: b + i * bStride, ldb: ldb,
                                        c: c + i * m * n, ldc: n)
                }
            } } }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }
}
