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
        if let (outer, channels, inner) = channelBroadcast(of: other.shape) {
            var out = Tensor(uninitializedShape: shape, dtype: dtype)
            func run<T: TensorScalar>(_: T.Type) {
                withPointer(T.self) { a in other.withPointer(T.self) { b in out.withMutablePointer(T.self) { o in
                    ElementwiseKernels.zipChannels(a, b, o, outer: outer, channels: channels, inner: inner, f)
                } } }
            }
            switch dtype {
            case .float32: run(Float.self)
            case .float64: run(Double.self)
            }
            return out
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

    /// When `other` (aligned to the right) has one axis of this tensor's size there and 1 on every
    /// other axis — a per-channel bias `[1, C, 1, 1]` against `[N, C, H, W]` — the sizes before,
    /// along and after that axis; otherwise nil.
    @inlinable package func channelBroadcast(of other: [Int]) -> (outer: Int, channels: Int, inner: Int)? {
        guard other.count <= rank else { return nil }
        let offset = rank - other.count
        var axis: Int? = nil
        for (k, size) in other.enumerated() where size != 1 {
            guard axis == nil, size == shape[offset + k] else { return nil }
            axis = offset + k
        }
        guard let axis else { return nil }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
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

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Elementwise.Add(), operation: "add") }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Elementwise.Subtract(), operation: "sub") }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Elementwise.Multiply(), operation: "mul") }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.combining(b, Elementwise.Divide(), operation: "div") }
    public static prefix func - (a: Tensor) -> Tensor { a.applying(Elementwise.Negate()) }

    public static func + (a: Tensor, b: Double) -> Tensor { a.applying(Elementwise.Shift(offset: b)) }
    public static func + (a: Double, b: Tensor) -> Tensor { b.applying(Elementwise.Shift(offset: a)) }
    public static func - (a: Tensor, b: Double) -> Tensor { a.applying(Elementwise.Shift(offset: -b)) }
    public static func - (a: Double, b: Tensor) -> Tensor { b.applying(Elementwise.Negate()).applying(Elementwise.Shift(offset: a)) }
    public static func * (a: Tensor, b: Double) -> Tensor { a.applying(Elementwise.Scale(factor: b)) }
    public static func * (a: Double, b: Tensor) -> Tensor { b.applying(Elementwise.Scale(factor: a)) }
    public static func / (a: Tensor, b: Double) -> Tensor { a.applying(Elementwise.Scale(factor: 1 / b)) }
    public static func / (a: Double, b: Tensor) -> Tensor { b.applying(Elementwise.Reciprocal()).applying(Elementwise.Scale(factor: a)) }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }

    // MARK: Element functions

    public func exp() -> Tensor { applying(Elementwise.Exp()) }
    public func log() -> Tensor { applying(Elementwise.Log()) }
    public func sqrt() -> Tensor { applying(Elementwise.Sqrt()) }
    public func abs() -> Tensor { applying(Elementwise.Abs()) }
    public func tanh() -> Tensor {
        guard dtype == .float32 else { return applying(Elementwise.Tanh()) }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        FastMathKernels.tanh(buffer.pointer(Float.self), out.buffer.pointer(Float.self), count: count)
        return out
    }
    public func sigmoid() -> Tensor { applying(Elementwise.Sigmoid()) }
    public func relu() -> Tensor { applying(Elementwise.Relu()) }
    public func sign() -> Tensor { applying(Elementwise.Sign()) }
    public func erf() -> Tensor { applying(Elementwise.Erf()) }
    public func squared() -> Tensor { applying(Elementwise.Square()) }
    public func pow(_ exponent: Double) -> Tensor { applying(Elementwise.PowConstant(exponent: exponent)) }
    public func pow(_ exponent: Tensor) -> Tensor { combining(exponent, Elementwise.Pow(), operation: "pow") }
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Tensor {
        applying(Elementwise.Clamp(low: low, high: high))
    }
    /// Elementwise maximum of two tensors (broadcast).
    public func maximum(_ other: Tensor) -> Tensor { combining(other, Elementwise.Maximum(), operation: "maximum") }
    /// Elementwise minimum of two tensors (broadcast).
    public func minimum(_ other: Tensor) -> Tensor { combining(other, Elementwise.Minimum(), operation: "minimum") }

    /// 1 where `self > threshold`, else 0, in this tensor's element type.
    public func greater(than threshold: Double) -> Tensor { applying(Elementwise.Greater(threshold: threshold)) }
    /// 1 where `self == other` (broadcast), else 0.
    public func equal(_ other: Tensor) -> Tensor { combining(other, Elementwise.Equal(), operation: "equal") }

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
