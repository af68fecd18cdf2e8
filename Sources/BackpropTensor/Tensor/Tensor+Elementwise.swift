extension Tensor {
    /// Applies an element function to every element.
    @inlinable package func applying<F: UnaryFunction>(_ f: F) -> Tensor {
        var out = Tensor(uninitializedShape: shape, dtype: dtype)
        func run<T: TensorScalar>(_: T.Type) {
            withPointer(T.self) { x in out.withMutablePointer(T.self) { ElementwiseKernels.map(x, $0, count: count, f) } }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    /// Combines two tensors element by element under NumPy broadcasting.
    ///
    /// The common cases skip the general strided walk: equal shapes (one contiguous loop), a
    /// one-element operand, and a trailing-axes operand such as a bias row added to a batch.
    @inlinable package func combining<F: BinaryFunction>(_ other: Tensor, _ f: F, operation: String) -> Tensor {
        guard dtype == other.dtype else {
            fatalError("\(operation): element types differ (\(dtype) and \(other.dtype)); convert one with converted(to:)")
        }
        if shape == other.shape {
            return combiningContiguous(other, f, shape: shape, pattern: .same)
        }
        if other.count == 1 && other.rank <= rank {
            return combiningContiguous(other, f, shape: shape, pattern: .scalarRight)
        }
        if count == 1 && rank <= other.rank {
            return combiningContiguous(other, f, shape: other.shape, pattern: .scalarLeft)
        }
        if other.rank < rank && shape.suffix(other.rank).elementsEqual(other.shape) {
            return combiningContiguous(other, f, shape: shape, pattern: .rowRight)
        }
        let outShape = Shape.broadcast(shape, other.shape, operation: operation)
        var out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let aStrides = Shape.broadcastStrides(shape, to: outShape)
        let bStrides = Shape.broadcastStrides(other.shape, to: outShape)
        func run<T: TensorScalar>(_: T.Type) {
            withPointer(T.self) { a in other.withPointer(T.self) { b in out.withMutablePointer(T.self) { o in
                ElementwiseKernels.broadcast(shape: outShape, a: a, aStrides: aStrides, b: b, bStrides: bStrides, out: o, f)
            } } }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    @inlinable package func combiningContiguous<F: BinaryFunction>(_ other: Tensor, _ f: F, shape outShape: [Int],
                                                        pattern: ElementwiseKernels.Pattern) -> Tensor {
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let n = out.count, row = Swift.max(other.count, 1)
        func run<T: TensorScalar>(_: T.Type) {
            ElementwiseKernels.zip(buffer.pointer(T.self), other.buffer.pointer(T.self), out.buffer.pointer(T.self),
                                   count: n, row: row, pattern, f)
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    // MARK: Arithmetic with broadcasting

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Add(), operation: "add") }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Subtract(), operation: "sub") }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Multiply(), operation: "mul") }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Divide(), operation: "div") }
    public static prefix func - (a: Tensor) -> Tensor { a.applying(Negate()) }

    public static func + (a: Tensor, b: Double) -> Tensor { a.applying(Shift(offset: b)) }
    public static func + (a: Double, b: Tensor) -> Tensor { b.applying(Shift(offset: a)) }
    public static func - (a: Tensor, b: Double) -> Tensor { a.applying(Shift(offset: -b)) }
    public static func - (a: Double, b: Tensor) -> Tensor { b.applying(Negate()).applying(Shift(offset: a)) }
    public static func * (a: Tensor, b: Double) -> Tensor { a.applying(Scale(factor: b)) }
    public static func * (a: Double, b: Tensor) -> Tensor { b.applying(Scale(factor: a)) }
    public static func / (a: Tensor, b: Double) -> Tensor { a.applying(Scale(factor: 1 / b)) }
    public static func / (a: Double, b: Tensor) -> Tensor { b.applying(Reciprocal()).applying(Scale(factor: a)) }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }

    // MARK: Element functions

    public func exp() -> Tensor { applying(Exp()) }
    public func log() -> Tensor { applying(Log()) }
    public func sqrt() -> Tensor { applying(SquareRoot()) }
    public func abs() -> Tensor { applying(Absolute()) }
    public func tanh() -> Tensor {
        guard dtype == .float32 else { return applying(HyperbolicTangent()) }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        FastMathKernels.tanh(buffer.pointer(Float.self), out.buffer.pointer(Float.self), count: count)
        return out
    }
    public func sigmoid() -> Tensor { applying(SigmoidFunction()) }
    public func relu() -> Tensor { applying(Relu()) }
    public func sign() -> Tensor { applying(Sign()) }
    public func erf() -> Tensor { applying(ErrorFunction()) }
    public func squared() -> Tensor { applying(Square()) }
    public func pow(_ exponent: Double) -> Tensor { applying(PowerOf(exponent: exponent)) }
    public func pow(_ exponent: Tensor) -> Tensor { combining(exponent, Power(), operation: "pow") }
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Tensor {
        applying(ClampValue(low: low, high: high))
    }
    /// Elementwise maximum of two tensors (broadcast).
    public func maximum(_ other: Tensor) -> Tensor { combining(other, Maximum(), operation: "maximum") }
    /// Elementwise minimum of two tensors (broadcast).
    public func minimum(_ other: Tensor) -> Tensor { combining(other, Minimum(), operation: "minimum") }

    /// 1 where `self > threshold`, else 0, in this tensor's element type.
    public func greater(than threshold: Double) -> Tensor { applying(GreaterThanScalar(threshold: threshold)) }
    /// 1 where `self == other` (broadcast), else 0.
    public func equal(_ other: Tensor) -> Tensor { combining(other, IsEqual(), operation: "equal") }

    /// Whether every element is finite (no NaN, no infinity).
    public var isFinite: Bool {
        func run<T: TensorScalar>(_: T.Type) -> Bool { withPointer(T.self) { p in (0..<count).allSatisfy { p[$0].isFinite } } }
        switch dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        }
    }

    /// Whether two tensors have the same shape and elements within `atol + rtol * |other|`.
    public func isApproximatelyEqual(to other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6) -> Bool {
        guard shape == other.shape else { return false }
        let a = scalars(as: Double.self), b = other.scalars(as: Double.self)
        for i in 0..<a.count {
            if a[i].isNaN || b[i].isNaN { return false }
            if a[i] == b[i] { continue }
            if Swift.abs(a[i] - b[i]) > atol + rtol * Swift.abs(b[i]) { return false }
        }
        return true
    }
}
