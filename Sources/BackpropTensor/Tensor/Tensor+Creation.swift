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
        switch dtype {
        case .float32: t.buffer.pointer(Float.self).update(repeating: Float(value), count: n)
        case .float64: t.buffer.pointer(Double.self).update(repeating: value, count: n)
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
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        guard step != 0 else { fatalError("arange: step must not be zero") }
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
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
        switch dtype {
        case .float32: return Tensor(values.map { Float($0) }, shape: shape)
        case .float64: return Tensor(values, shape: shape)
        }
    }
}
