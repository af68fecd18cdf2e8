import BackpropTensor
import BackpropAutograd
/// Inverted dropout (PyTorch's `nn.Dropout`): in training, each element is zeroed with
/// probability `p` and the kept ones are scaled by `1/(1-p)`, so the expected value is
/// unchanged and evaluation needs no rescaling; in evaluation it is the identity.
///
/// `y = x ⊙ m / (1-p)`, `m_i = 1` when the layer's own ``SplitMix64`` draws `u_i ≥ p`
/// (one draw per element, row-major), else 0. The gradient is `g ⊙ m / (1-p)`.
///
/// Without a seed, the layer's generator is seeded from the ``DefaultGenerator``, so two
/// dropout layers draw different masks, reproducibly after ``manualSeed(_:)``.
public final class Dropout: Module {
    /// The probability of zeroing an element.
    public let p: Double
    /// The generator of the masks; reseed it to repeat a run's masks.
    public var generator: SplitMix64

    /// Creates the layer with drop probability `p` and a mask generator seeded with `seed`,
    /// or with the next seed of the ``DefaultGenerator`` when `seed` is `nil`.
    public init(p: Double = 0.5, seed: UInt64? = nil) {
        guard p >= 0, p <= 1 else { fatalError("Dropout: p must lie in [0, 1], got \(p)") }
        self.p = p
        generator = SplitMix64(seed: seed ?? DefaultGenerator.nextSeed())
    }

    /// `x ⊙ m / (1-p)` in training, `x` in evaluation.
    public func callAsFunction(_ input: Variable) -> Variable {
        guard isTraining, p > 0 else { return input }
        if p == 1 { return input * 0 }
        return input.multiplied(byConstant: mask(like: input.value))
    }

    /// The scaled keep mask: `1/(1-p)` where kept, 0 where dropped.
    func mask(like value: Tensor) -> Tensor {
        var mask = Tensor(uninitializedShape: value.shape, dtype: value.dtype)
        let n = mask.count, p = p, scale = 1 / (1 - p)
        func fill<T: TensorScalar>(_: T.Type) {
            mask.withMutablePointer(T.self) { m in
                for i in 0..<n { m[i] = generator.nextUnit() >= p ? T(scale) : 0 }
            }
        }
        switch value.dtype {
        case .float32: fill(Float.self)
        case .float64: fill(Double.self)
        }
        return mask
    }

    /// `Dropout(p: 0.5)`.
    public var description: String { "Dropout(p: \(p))" }
}
