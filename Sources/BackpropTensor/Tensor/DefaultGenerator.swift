import Synchronization

/// The one place that decides the random numbers of everything created without an explicit
/// generator (like PyTorch's default generator and `torch.manual_seed`).
///
/// Layers and tensors created without a ``SplitMix64`` (`Linear(inputSize:outputSize:)`,
/// `Dropout(p:)`, `Tensor.randn(_:)`, ...) draw from this generator, so two layers get
/// different streams, and the same program gives the same numbers on every run. It starts
/// from a fixed seed; ``manualSeed(_:)`` restarts it. Passing a generator explicitly
/// (`generator: &g`) leaves it untouched.
/// ```swift
/// manualSeed(42)
/// let a = Dropout(p: 0.5), b = Dropout(p: 0.5)   // different masks, the same ones every run
/// ```
public enum DefaultGenerator {
    /// The seed the generator starts from before any ``manualSeed(_:)``.
    public static let initialSeed: UInt64 = 67_280_421_310_721
    private static let generator = Mutex(SplitMix64(seed: initialSeed))

    /// Restarts the default generator from `seed`.
    public static func manualSeed(_ seed: UInt64) {
        generator.withLock { $0 = SplitMix64(seed: seed) }
    }

    /// Takes the next number of the default stream: a seed for a generator of one's own.
    public static func nextSeed() -> UInt64 {
        if let scoped = scoped { return scoped.generator.withLock { $0.next() } }
        return generator.withLock { $0.next() }
    }

    /// Runs `body` with a default stream of its own that starts from `seed`, leaving the
    /// shared one alone: reproducible even while other threads create layers.
    /// ```swift
    /// let model = DefaultGenerator.withSeed(7) { Sequential(Linear(inputSize: 4, outputSize: 2), Dropout()) }
    /// ```
    public static func withSeed<R>(_ seed: UInt64, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(ScopedGenerator(seed: seed)) { try body() }
    }

    /// The stream of the innermost ``withSeed(_:_:)`` on this task, if any.
    @TaskLocal private static var scoped: ScopedGenerator?

    private final class ScopedGenerator: Sendable {
        let generator: Mutex<SplitMix64>
        init(seed: UInt64) { generator = Mutex(SplitMix64(seed: seed)) }
    }

    /// A new generator seeded with the next number of the default stream, for an object that
    /// keeps drawing (a Dropout layer's masks), so it does not hold the shared lock.
    public static func spawn() -> SplitMix64 { SplitMix64(seed: nextSeed()) }
}

/// Restarts the default random generator from `seed` (PyTorch's `torch.manual_seed`): every
/// layer, tensor and mask created without an explicit generator afterwards is reproducible.
public func manualSeed(_ seed: UInt64) { DefaultGenerator.manualSeed(seed) }
