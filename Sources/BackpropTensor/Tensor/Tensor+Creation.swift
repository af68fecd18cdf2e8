extension Tensor {
    /// A `float32` tensor with the given elements (row-major) and shape. Plain literals land
    /// here, so `Tensor([1.0, 2.0])` is `float32`, as `torch.tensor([1.0, 2.0])`.
    public init(_ scalars: [Float], shape: [Int]) {
        self.init(typed: scalars, shape: shape)
    }

    /// A tensor with the given elements (row-major) and shape whose element type follows the
    /// array's: a `[Double]` value gives `float64` (the opt-in for double precision:
    /// `Tensor([1.0, 2.0] as [Double])`).
    @_disfavoredOverload
    public init<T: TensorScalar>(_ scalars: [T], shape: [Int]) {
        self.init(typed: scalars, shape: shape)
    }

    private init<T: TensorScalar>(typed scalars: [T], shape: [Int]) {
        let n = Shape.count(of: shape, in: "Tensor(_:shape:)")
        guard n == scalars.count else {
            fatalError("Tensor(_:shape:): \(scalars.count) values do not fill shape \(shape) (\(n) elements)")
        }
        self.init(uninitializedShape: shape, dtype: T.dtype)
        let dst = buffer.pointer(T.self)
        scalars.withUnsafeBufferPointer { src in
            if n > 0 { dst.update(from: src.baseAddress!, count: n) }
        }
    }

    /// A one-dimensional `float32` tensor of the given elements: `Tensor([1, 2, 3])`.
    public init(_ scalars: [Float]) {
        self.init(scalars, shape: [scalars.count])
    }

    /// A one-dimensional tensor whose element type follows the array's (`[Double]`: `float64`).
    @_disfavoredOverload
    public init<T: TensorScalar>(_ scalars: [T]) {
        self.init(scalars, shape: [scalars.count])
    }

    /// A `float32` matrix from its rows: `Tensor([[1, 2], [3, 4]])` has shape `[2, 2]`.
    public init(_ rows: [[Float]]) { self.init(nested: rows.map { Tensor($0) }, in: "Tensor(_ rows:)") }

    /// A matrix from its rows, with the element type of the array (`[[Double]]`: `float64`).
    @_disfavoredOverload
    public init<T: TensorScalar>(_ rows: [[T]]) { self.init(nested: rows.map { Tensor($0) }, in: "Tensor(_ rows:)") }

    /// A rank-3 `float32` tensor from nested arrays: `Tensor([[[1, 2]], [[3, 4]]])` is `[2, 1, 2]`.
    public init(_ planes: [[[Float]]]) { self.init(nested: planes.map { Tensor($0) }, in: "Tensor(_ planes:)") }

    /// A rank-3 tensor from nested arrays, with the element type of the array.
    @_disfavoredOverload
    public init<T: TensorScalar>(_ planes: [[[T]]]) { self.init(nested: planes.map { Tensor($0) }, in: "Tensor(_ planes:)") }

    /// Stacks equally shaped parts along a new first axis; ragged parts are an error naming the
    /// first part that differs.
    private init(nested parts: [Tensor], in context: String) {
        guard let first = parts.first else {
            self.init(uninitializedShape: [0], dtype: .float32)
            return
        }
        if let bad = parts.firstIndex(where: { $0.shape != first.shape }) {
            fatalError("\(context): nested arrays must be rectangular, but entry \(bad) has shape \(parts[bad].shape) and entry 0 has \(first.shape)")
        }
        self.init(uninitializedShape: [parts.count] + first.shape, dtype: first.dtype)
        let size = first.count * first.dtype.byteSize
        for (i, part) in parts.enumerated() where size > 0 {
            (buffer.raw + i * size).copyMemory(from: part.buffer.raw, byteCount: size)
        }
    }

    /// A scalar (rank-0) tensor.
    public init(_ value: Double, dtype: DType = .float32) {
        self = Tensor.full([], value: value, dtype: dtype)
    }

    /// A tensor of the given shape with every element equal to `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        let n = t.count
        func run<T: TensorScalar>(_: T.Type) { t.buffer.pointer(T.self).update(repeating: T(value), count: n) }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return t
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.buffer.raw.initializeMemory(as: UInt8.self, repeating: 0, count: t.count * dtype.byteSize)
        return t
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, value: 1, dtype: dtype)
    }

    /// A tensor of zeros with the shape and element type of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }

    /// Zeros shaped like `other`, with its element type (PyTorch's `torch.zeros_like`).
    public static func zerosLike(_ other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }
    /// Ones shaped like `other`, with its element type (PyTorch's `torch.ones_like`).
    public static func onesLike(_ other: Tensor) -> Tensor { ones(other.shape, dtype: other.dtype) }
    /// `value` everywhere, shaped like `other`, with its element type (`torch.full_like`).
    public static func fullLike(_ other: Tensor, value: Double) -> Tensor { full(other.shape, value: value, dtype: other.dtype) }

    /// `[start, start + step, ...]` up to but excluding `end`, like `torch.arange`.
    /// `start`, `end` and `step` must be finite and `step` non-zero; the element count
    /// `ceil((end - start) / step)` must fit in memory.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        guard start.isFinite, end.isFinite, step.isFinite, step != 0 else {
            fatalError("arange: start \(start), end \(end) and step \(step) must be finite and step non-zero")
        }
        let length = Swift.max(0, ((end - start) / step).rounded(.up))
        guard length < 1e15 else {   // also below Int.max, so the conversion cannot trap
            fatalError("arange: [\(start), \(end)) in steps of \(step) has \(length) elements, more than a tensor can hold")
        }
        let n = Int(length)
        return Tensor.fromDoubles((0..<n).map { start + Double($0) * step }, shape: [n], dtype: dtype)
    }

    /// The n×n identity matrix.
    public static func eye(_ n: Int, dtype: DType = .float32) -> Tensor {
        var t = zeros([n, n], dtype: dtype)
        for i in 0..<n { t[i, i] = 1 }
        return t
    }

    /// Builds a tensor of any element type from `Double` values.
    package static func fromDoubles(_ values: [Double], shape: [Int], dtype: DType) -> Tensor {
        func run<T: TensorScalar>(_: T.Type) -> Tensor { Tensor(values.map { T($0) }, shape: shape) }
        switch dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        }
    }
}
