extension Tensor {
    /// A tensor with the given elements (row-major) and shape. The element type follows the
    /// array's: `[Float]` gives `float32`, `[Double]` gives `float64`.
    public init<T: TensorScalar>(_ scalars: [T], shape: [Int]) {
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

    /// A one-dimensional tensor of the given elements.
    public init<T: TensorScalar>(_ scalars: [T]) {
        self.init(scalars, shape: [scalars.count])
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

    /// Elements drawn uniformly from [low, high) with ``SplitMix64/nextUniform(_:_:)``,
    /// in row-major order.
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using generator: inout SplitMix64) -> Tensor {
        let n = Shape.count(of: shape, in: "uniform")
        return fromDoubles((0..<n).map { _ in generator.nextUniform(low, high) }, shape: shape, dtype: dtype)
    }

    /// Elements drawn from a normal distribution with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using generator: inout SplitMix64) -> Tensor {
        let n = Shape.count(of: shape, in: "normal")
        return fromDoubles((0..<n).map { _ in mean + std * generator.nextNormal() }, shape: shape, dtype: dtype)
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
