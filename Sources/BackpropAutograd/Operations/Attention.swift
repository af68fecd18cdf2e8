import BackpropTensor
// Scaled dot-product attention (Vaswani et al. 2017; PyTorch's `F.scaled_dot_product_attention`),
// composed from matmul, softmax and broadcasting additions, so each piece's derivative is the
// one stated beside that operation.

/// `softmax(q·kᵀ · scale + mask) · v` over the last two axes: queries `[..., L, E]`, keys
/// `[..., S, E]`, values `[..., S, Ev]` (the leading axes, such as batch and heads, must match)
/// give `[..., L, Ev]`. `scale` defaults to `1/√E`.
///
/// `mask` is added to the scores (PyTorch's float `attn_mask`; broadcast to `[..., L, S]`):
/// `-infinity` keeps a key from being attended to. `causal: true` lets query `i` see keys
/// `j ≤ i` only (PyTorch's `is_causal`, the top-left aligned lower triangle); it cannot be
/// combined with a mask, as in PyTorch. A query that sees no key gets NaN, as in PyTorch.
/// ```swift
/// var g = SplitMix64(seed: 0)
/// let x = Variable(Tensor.normal([2, 5, 8], generator: &g))       // batch 2, 5 positions, width 8
/// let y = scaledDotProductAttention(x, x, x, causal: true)   // [2, 5, 8]
/// ```
public func scaledDotProductAttention(_ query: Variable, _ key: Variable, _ value: Variable, mask: Tensor? = nil,
                                      causal: Bool = false, scale: Double? = nil) -> Variable {
    guard query.rank >= 2, key.rank == query.rank, value.rank == query.rank,
          query.shape.dropLast(2) == key.shape.dropLast(2), key.shape.dropLast(2) == value.shape.dropLast(2) else {
        fatalError("scaledDotProductAttention: query \(query.shape), key \(key.shape) and value \(value.shape) need the same rank (>= 2) and the same leading axes")
    }
    let (l, e) = (query.shape[query.rank - 2], query.shape[query.rank - 1])
    let s = key.shape[key.rank - 2]
    guard key.shape[key.rank - 1] == e, value.shape[value.rank - 2] == s else {
        fatalError("scaledDotProductAttention: query [..., L, E] = \(query.shape), key [..., S, E] = \(key.shape), value [..., S, Ev] = \(value.shape) do not fit")
    }
    guard !(causal && mask != nil) else {
        fatalError("scaledDotProductAttention: give either a mask or causal: true, not both (as PyTorch)")
    }
    var scores = query.matmul(key, transposeOther: true) * (scale ?? 1 / Double(e).squareRoot())
    if causal { scores = scores + Variable(causalAttentionMask(queries: l, keys: s, dtype: query.dtype)) }
    if let mask { scores = scores + Variable(mask.converted(to: query.dtype)) }
    return scores.softmax(axis: -1).matmul(value)
}

/// The `[queries, keys]` additive mask of causal attention: 0 where key `j ≤` query `i`,
/// `-infinity` above the diagonal.
public func causalAttentionMask(queries: Int, keys: Int, dtype: DType = .float32) -> Tensor {
    var mask = [Double](repeating: 0, count: queries * keys)
    for i in 0..<queries { for j in (i + 1)..<max(keys, i + 1) { mask[i * keys + j] = -.infinity } }
    return Tensor.fromDoubles(mask, shape: [queries, keys], dtype: dtype)
}
