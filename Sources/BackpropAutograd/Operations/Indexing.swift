import BackpropTensor

// Indexing a Variable: the selected elements, with the gradient sent back to where they came from.

extension Variable {
    /// The part selected by `indices` (see ``TensorIndex``): `x[0..<5]`, `x[-1]`, `x[..., 1]`.
    ///
    /// `y = x[I]` copies the selected elements, so `∂L/∂x` is `∂L/∂y` placed back at the
    /// positions `I` and zero elsewhere (`scattered(_:)`, whose own derivative is the
    /// indexing again).
    public subscript(_ indices: any TensorIndexConvertible...) -> Variable {
        indexed(IndexPlan(indices.map(\.tensorIndex), shape: shape))
    }

    /// The whole first axis followed by `rest`: `x[..., 1]` is the second column of a matrix.
    public subscript(_ all: UnboundedRange, _ rest: any TensorIndexConvertible...) -> Variable {
        indexed(IndexPlan([TensorIndex.all] + rest.map(\.tensorIndex), shape: shape))
    }

    func indexed(_ plan: IndexPlan) -> Variable {
        Variable.record("index", plan.gather(value), inputs: [self],
                        derivative: "d x[I]/dx = 1 at the positions I, 0 elsewhere") { g, _ in [g.scattered(plan)] }
    }

    /// Zeros of the indexed tensor's shape with this variable's elements placed at the
    /// positions `plan` selects: the adjoint of indexing.
    func scattered(_ plan: IndexPlan) -> Variable {
        let zeros = Tensor.zeros(plan.sourceShape, dtype: dtype)
        return Variable.record("indexBackward", plan.scatter(value, into: zeros, accumulate: true), inputs: [self],
                               derivative: "d scatter(g, I)/dg = indexing by I") { g, _ in [g.indexed(plan)] }
    }
}
