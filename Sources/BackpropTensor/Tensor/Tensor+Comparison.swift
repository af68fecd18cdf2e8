// Comparisons that return masks, as PyTorch's `x > 0`: 1 where the relation holds, else 0, in
// the tensor's element type and with broadcasting. NaN compares false, so `x >= y` is not
// `1 - (x < y)`.

struct IsLess: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a < b ? 1 : 0 } }
struct IsLessOrEqual: BinaryFunction { @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b ? 1 : 0 } }

extension Tensor {
    /// 1 where `a < b`, else 0.
    public static func < (a: Tensor, b: Tensor) -> Tensor { a.combining(b, IsLess(), operation: "lt") }
    /// 1 where `a <= b`, else 0.
    public static func <= (a: Tensor, b: Tensor) -> Tensor { a.combining(b, IsLessOrEqual(), operation: "le") }
    /// 1 where `a > b`, else 0.
    public static func > (a: Tensor, b: Tensor) -> Tensor { b.combining(a, IsLess(), operation: "gt") }
    /// 1 where `a >= b`, else 0.
    public static func >= (a: Tensor, b: Tensor) -> Tensor { b.combining(a, IsLessOrEqual(), operation: "ge") }

    /// 1 where `a < b`, else 0.
    public static func < (a: Tensor, b: Double) -> Tensor { a < Tensor(b, dtype: a.dtype) }
    /// 1 where `a <= b`, else 0.
    public static func <= (a: Tensor, b: Double) -> Tensor { a <= Tensor(b, dtype: a.dtype) }
    /// 1 where `a > b`, else 0.
    public static func > (a: Tensor, b: Double) -> Tensor { a > Tensor(b, dtype: a.dtype) }
    /// 1 where `a >= b`, else 0.
    public static func >= (a: Tensor, b: Double) -> Tensor { a >= Tensor(b, dtype: a.dtype) }

    /// 1 where the elements are equal, else 0 (PyTorch's `torch.eq`); `==` compares whole tensors.
    public func eq(_ other: Tensor) -> Tensor { equal(other) }
    /// 1 where the element equals `value`, else 0.
    public func eq(_ value: Double) -> Tensor { equal(Tensor(value, dtype: dtype)) }
}
