import BackpropTensor
// The embedding lookup: rows of a table picked by integer indices (PyTorch's `F.embedding`).

/// Rows of `weight` (`[count, dim]`) picked by `indices`, shaped `shape + [dim]` (`shape`
/// defaults to `[indices.count]`): `out[..., :] = weight[indices[...], :]`.
///
/// The lookup is linear in the table: `∂out[p]/∂weight[j] = 1` where `indices[p] = j`, so the
/// gradient of row `j` is the sum of the output gradients of every position that picked it
/// (repeated indices accumulate). Positions whose index is `paddingIndex` send no gradient, as
/// PyTorch's `padding_idx`.
/// ```swift
/// let table = Variable(Tensor([0, 1, 10, 11, 20, 21] as [Float], shape: [3, 2]), requiresGrad: true)
/// let rows = embedding([2, 0, 2], weight: table)    // [[20, 21], [0, 1], [20, 21]]
/// rows.sum().backward()
/// print(table.grad!)                                 // row 2 was picked twice: [[1, 1], [0, 0], [2, 2]]
/// ```
public func embedding(_ indices: [Int], shape: [Int]? = nil, weight: Variable, paddingIndex: Int? = nil) -> Variable {
    guard weight.rank == 2 else {
        fatalError("embedding: the weight must be a [count, dim] table, got shape \(weight.shape)")
    }
    let (count, dim) = (weight.shape[0], weight.shape[1])
    let outer = shape ?? [indices.count]
    guard outer.reduce(1, *) == indices.count, outer.allSatisfy({ $0 >= 0 }) else {
        fatalError("embedding: \(indices.count) indices do not fill the shape \(outer)")
    }
    for (position, i) in indices.enumerated() where i < 0 || i >= count {
        fatalError("embedding: index \(i) at position \(position) is out of range for a table of \(count) rows (weight \(weight.shape))")
    }
    let value = weight.value.gatherRows(indices).reshaped(outer + [dim])
    return Variable.record("embedding", value, inputs: [weight],
                           derivative: "row j gets Σ of the gradients of positions p with indices[p] = j") { g, _ in
        let rows = g.reshaped([indices.count, dim])
        guard let paddingIndex, indices.contains(paddingIndex) else { return [rows.scatterAddRows(indices, rows: count)] }
        let kept = indices.indices.filter { indices[$0] != paddingIndex }
        return [rows.gatherRows(kept).scatterAddRows(kept.map { indices[$0] }, rows: count)]
    }
}
