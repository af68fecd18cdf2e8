// Subscripts of tensors with integers, ranges, strides and `...` (see ``TensorIndex``).

extension Tensor {
    /// The part selected by `indices`, as PyTorch's basic indexing (see ``TensorIndex``): a copy
    /// whose axes are those not picked by a single integer. Setting it writes the new value
    /// (broadcast to the part's shape) into those places.
    /// ```swift
    /// var t = Tensor([[1, 2], [3, 4]])
    /// t[0]                          // tensor([1., 2.])
    /// t[..., 1] = Tensor([0, 0])    // the second column set to zero
    /// ```
    /// A single element reads as a `Double` when the context asks for one: `let v: Double = t[1, 0]`.
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get { IndexPlan(indices.map(\.tensorIndex), shape: shape).gather(self) }
        set { self = IndexPlan(indices.map(\.tensorIndex), shape: shape).scatter(newValue, into: self, accumulate: false) }
    }

    /// The whole first axis followed by `rest`: `t[..., 1]` is the second column of a matrix
    /// (Swift's `...`, which is Python's `:`; Python's `...` is ``TensorIndex/ellipsis``).
    public subscript(_ all: UnboundedRange, _ rest: any TensorIndexConvertible...) -> Tensor {
        get { self[[TensorIndex.all] + rest.map(\.tensorIndex)] }
        set { self[[TensorIndex.all] + rest.map(\.tensorIndex)] = newValue }
    }

    /// The part selected by a list of entries.
    subscript(_ entries: [TensorIndex]) -> Tensor {
        get { IndexPlan(entries, shape: shape).gather(self) }
        set { self = IndexPlan(entries, shape: shape).scatter(newValue, into: self, accumulate: false) }
    }
}
