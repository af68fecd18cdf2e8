// Random tensors, as PyTorch's `torch.rand`, `torch.randn`, `torch.randint` and their `_like`
// forms. Each takes `generator: &g` for a stream of one's own; without it, a generator seeded
// from the ``DefaultGenerator`` is used (reproducible after `manualSeed(_:)`).

extension Tensor {
    /// Elements drawn uniformly from [low, high) with ``SplitMix64/nextUniform(_:_:)``,
    /// in row-major order.
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               generator: inout SplitMix64) -> Tensor {
        let n = Shape.count(of: shape, in: "uniform")
        return fromDoubles((0..<n).map { _ in generator.nextUniform(low, high) }, shape: shape, dtype: dtype)
    }

    /// Elements drawn from a normal distribution with the given mean and standard deviation
    /// (``SplitMix64/nextNormal()``), in row-major order.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              generator: inout SplitMix64) -> Tensor {
        let n = Shape.count(of: shape, in: "normal")
        return fromDoubles((0..<n).map { _ in mean + std * generator.nextNormal() }, shape: shape, dtype: dtype)
    }

    /// Whole numbers drawn uniformly from `low..<high`, stored as floating point
    /// (PyTorch's `torch.randint(low, high, size)`).
    public static func randint(_ low: Int = 0, _ high: Int, _ shape: [Int], dtype: DType = .float32,
                               generator: inout SplitMix64) -> Tensor {
        guard high > low else { fatalError("randint: high (\(high)) must be greater than low (\(low))") }
        let n = Shape.count(of: shape, in: "randint"), range = UInt64(high - low)
        return fromDoubles((0..<n).map { _ in Double(low + Int(generator.next() % range)) }, shape: shape, dtype: dtype)
    }

    /// Standard normal elements (PyTorch's `torch.randn`).
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: inout SplitMix64) -> Tensor {
        normal(shape, dtype: dtype, generator: &generator)
    }

    /// Elements uniform in [0, 1) (PyTorch's `torch.rand`).
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: inout SplitMix64) -> Tensor {
        uniform(shape, dtype: dtype, generator: &generator)
    }

    /// Standard normal elements from the default generator: `Tensor.randn([2, 3])`.
    public static func randn(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        var generator = DefaultGenerator.spawn()
        return randn(shape, dtype: dtype, generator: &generator)
    }

    /// Elements uniform in [0, 1) from the default generator: `Tensor.rand([2, 3])`.
    public static func rand(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        var generator = DefaultGenerator.spawn()
        return rand(shape, dtype: dtype, generator: &generator)
    }

    /// Whole numbers uniform in `low..<high` from the default generator.
    public static func randint(_ low: Int = 0, _ high: Int, _ shape: [Int], dtype: DType = .float32) -> Tensor {
        var generator = DefaultGenerator.spawn()
        return randint(low, high, shape, dtype: dtype, generator: &generator)
    }

    /// Standard normal elements shaped like `other`, with its element type (`torch.randn_like`).
    public static func randnLike(_ other: Tensor) -> Tensor { randn(other.shape, dtype: other.dtype) }

    /// Uniform [0, 1) elements shaped like `other`, with its element type (`torch.rand_like`).
    public static func randLike(_ other: Tensor) -> Tensor { rand(other.shape, dtype: other.dtype) }

    /// Elements drawn uniformly from [low, high).
    @available(*, deprecated, renamed: "uniform(_:low:high:dtype:generator:)")
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using generator: inout SplitMix64) -> Tensor {
        uniform(shape, low: low, high: high, dtype: dtype, generator: &generator)
    }

    /// Elements drawn from a normal distribution.
    @available(*, deprecated, renamed: "normal(_:mean:std:dtype:generator:)")
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using generator: inout SplitMix64) -> Tensor {
        normal(shape, mean: mean, std: std, dtype: dtype, generator: &generator)
    }
}
