import BackpropTensor

// Spellings a PyTorch user tries first, forwarded to the operations that hold the derivative
// rules: a Variable combined with a Tensor (a constant) in either order, comparisons giving
// masks, `argmax`, and one-axis reductions.

extension Variable {
    /// `a + b` with `b` a constant.
    public static func + (a: Variable, b: Tensor) -> Variable { a + Variable(b) }
    /// `a + b` with `a` a constant.
    public static func + (a: Tensor, b: Variable) -> Variable { Variable(a) + b }
    /// `a - b` with `b` a constant.
    public static func - (a: Variable, b: Tensor) -> Variable { a - Variable(b) }
    /// `a - b` with `a` a constant.
    public static func - (a: Tensor, b: Variable) -> Variable { Variable(a) - b }
    /// `a * b` with `b` a constant.
    public static func * (a: Variable, b: Tensor) -> Variable { a * Variable(b) }
    /// `a * b` with `a` a constant.
    public static func * (a: Tensor, b: Variable) -> Variable { Variable(a) * b }
    /// `a / b` with `b` a constant.
    public static func / (a: Variable, b: Tensor) -> Variable { a / Variable(b) }
    /// `a / b` with `a` a constant.
    public static func / (a: Tensor, b: Variable) -> Variable { Variable(a) / b }

    /// A mask of the value: 1 where `a < b`, else 0 (no gradient flows through a comparison).
    public static func < (a: Variable, b: Double) -> Tensor { a.value < b }
    /// A mask of the value: 1 where `a <= b`, else 0.
    public static func <= (a: Variable, b: Double) -> Tensor { a.value <= b }
    /// A mask of the value: 1 where `a > b`, else 0.
    public static func > (a: Variable, b: Double) -> Tensor { a.value > b }
    /// A mask of the value: 1 where `a >= b`, else 0.
    public static func >= (a: Variable, b: Double) -> Tensor { a.value >= b }
    /// A mask: 1 where `a < b`, else 0.
    public static func < (a: Variable, b: Variable) -> Tensor { a.value < b.value }
    /// A mask: 1 where `a > b`, else 0.
    public static func > (a: Variable, b: Variable) -> Tensor { a.value > b.value }

    /// The position of the largest entry along `axis` for every other position (row-major),
    /// as ``Tensor/argmax(axis:)``; not differentiable.
    public func argmax(axis: Int = -1) -> [Int] { value.argmax(axis: axis) }

    /// The sum over one axis (`sum(axes: [axis])`).
    public func sum(axis: Int, keepDims: Bool = false) -> Variable { sum(axes: [axis], keepDims: keepDims) }
    /// The mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Variable { mean(axes: [axis], keepDims: keepDims) }
    /// The largest entry along one axis.
    public func max(axis: Int, keepDims: Bool = false) -> Variable { max(axes: [axis], keepDims: keepDims) }
    /// `log Σ exp` over one axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Variable { logSumExp(axes: [axis], keepDims: keepDims) }
}

extension Tensor {
    /// The sum over one axis (`sum(axes: [axis])`).
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }
    /// The mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }
    /// The largest entry along one axis.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    /// The smallest entry along one axis.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }
    /// `log Σ exp` over one axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor { logSumExp(axes: [axis], keepDims: keepDims) }
}
