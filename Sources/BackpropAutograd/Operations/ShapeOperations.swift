import BackpropTensor
// Operations that move elements without changing them; each gradient moves them back.

extension Variable {
    /// The same elements under a new shape (one `-1` may be inferred).
    public func reshaped(_ newShape: [Int]) -> Variable {
        let source = shape
        if newShape == source { return self }
        return Variable.record("reshape", value.reshaped(newShape), inputs: [self],
                               derivative: "gradient reshaped back") { g, _ in [g.reshaped(source)] }
    }

    /// Axes reordered: axis `i` of the result is axis `axes[i]` of this variable.
    public func permuted(_ axes: [Int]) -> Variable {
        let inverse = axes.map { Shape.axis($0, rank: rank, operation: "permute") }.enumerated()
            .sorted { $0.element < $1.element }.map(\.offset)
        return Variable.record("permute", value.permuted(axes), inputs: [self],
                               derivative: "gradient permuted back") { g, _ in [g.permuted(inverse)] }
    }

    /// The last two axes swapped.
    public func transposed() -> Variable {
        Variable.record("transpose", value.transposed(), inputs: [self],
                        derivative: "gradient transposed back") { g, _ in [g.transposed()] }
    }

    /// The elements whose index along `axis` is in `range`; the gradient is zero elsewhere.
    public func slice(axis: Int, _ range: Range<Int>) -> Variable {
        let size = shape[Shape.axis(axis, rank: rank, operation: "slice")]
        return Variable.record("slice", value.slice(axis: axis, range), inputs: [self],
                               derivative: "gradient placed back at the slice, zero elsewhere") { g, _ in
            [g.padded(axis: axis, offset: range.lowerBound, size: size)]
        }
    }

    /// Zeros of length `size` along `axis` with this variable at `offset` (inverse of slicing).
    public func padded(axis: Int, offset: Int, size: Int) -> Variable {
        let length = shape[Shape.axis(axis, rank: rank, operation: "pad")]
        return Variable.record("pad", value.padded(axis: axis, offset: offset, size: size), inputs: [self],
                               derivative: "gradient sliced back") { g, _ in [g.slice(axis: axis, offset..<(offset + length))] }
    }

    /// Variables joined along an existing axis; each gets its slice of the gradient.
    public static func concatenate(_ parts: [Variable], axis: Int = 0) -> Variable {
        let value = Tensor.concatenate(parts.map(\.value), axis: axis)
        let ax = Shape.axis(axis, rank: value.rank, operation: "concatenate")
        let lengths = parts.map { $0.shape[ax] }
        return record("concat", value, inputs: parts, derivative: "each input gets its slice of the gradient") { g, _ in
            var offset = 0
            return lengths.map { length in
                defer { offset += length }
                return g.slice(axis: ax, offset..<(offset + length))
            }
        }
    }

    /// Variables of one shape stacked along a new axis.
    public static func stack(_ parts: [Variable], axis: Int = 0) -> Variable {
        guard let first = parts.first else { fatalError("stack: needs at least one variable") }
        let ax = Shape.axis(axis, rank: first.rank + 1, operation: "stack")
        var expanded = first.shape
        expanded.insert(1, at: ax)
        return concatenate(parts.map { $0.reshaped(expanded) }, axis: ax)
    }

    /// Rows picked by index (an embedding lookup); the gradient adds each row's gradient
    /// back into the row it came from.
    public func gatherRows(_ indices: [Int]) -> Variable {
        let rows = shape.first ?? 0
        return Variable.record("gatherRows", value.gatherRows(indices), inputs: [self],
                               derivative: "gradient rows added back to the gathered rows") { g, _ in
            [g.scatterAddRows(indices, rows: rows)]
        }
    }

    /// Zeros with `rows` rows, with row `r` added into row `indices[r]`.
    public func scatterAddRows(_ indices: [Int], rows: Int) -> Variable {
        Variable.record("scatterAddRows", value.scatterAddRows(indices, rows: rows), inputs: [self],
                        derivative: "gradient rows gathered back") { g, _ in [g.gatherRows(indices)] }
    }
}

extension Variable {
    /// Matrix product `op(self) · op(other)`, `op` transposing when asked (2-D or batched).
    ///
    /// For `C = A·B`: `∂L/∂A = G·Bᵀ`, `∂L/∂B = Aᵀ·G`. The transposes are read in place by the
    /// kernel, never copied.
    public func matmul(_ other: Variable, transposeSelf: Bool = false, transposeOther: Bool = false) -> Variable {
        let a = self, b = other
        let value = a.value.matmul(b.value, transposeSelf: transposeSelf, transposeOther: transposeOther)
        return Variable.record("matmul", value, inputs: [a, b], derivative: "d(AB)/dA = G·Bᵀ, d(AB)/dB = Aᵀ·G") { g, _ in
            var da: Variable? = nil, db: Variable? = nil
            if a.requiresGrad {
                // A = op⁻¹: if A was used transposed, its gradient is (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ.
                da = transposeSelf
                    ? b.matmul(g, transposeSelf: transposeOther, transposeOther: true)
                    : g.matmul(b, transposeSelf: false, transposeOther: !transposeOther)
                if da!.shape != a.shape { da = da!.summed(toShape: a.shape) }
            }
            if b.requiresGrad {
                if b.rank == 2 && a.rank > 2 {
                    // A shared matrix: flatten the batch so the product sums over it.
                    let a2 = a.reshaped([-1, a.shape[a.rank - 1]])
                    let g2 = g.reshaped([-1, g.shape[g.rank - 1]])
                    db = transposeOther
                        ? g2.matmul(a2, transposeSelf: true, transposeOther: transposeSelf)
                        : a2.matmul(g2, transposeSelf: !transposeSelf, transposeOther: false)
                } else {
                    db = transposeOther
                        ? g.matmul(a, transposeSelf: true, transposeOther: transposeSelf)
                        : a.matmul(g, transposeSelf: !transposeSelf, transposeOther: false)
                }
            }
            return [da, db]
        }
    }
}
