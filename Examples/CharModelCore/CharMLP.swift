import Backprop

/// The character-level MLP language model of Bengio et al. (2003) as W8 defines it: the last
/// `blockSize` characters are looked up in an embedding table, their vectors concatenated,
/// passed through a tanh hidden layer, and mapped to one logit per next character.
///
/// `emb = C[X]` `[N, 3, 10]` → flat `[N, 30]` → `h = tanh(flat·W1ᵀ + b1)` `[N, 200]` →
/// `logits = h·W2ᵀ + b2` `[N, 27]`. State-dict names as the PyTorch peer: `emb.weight`,
/// `fc1.weight`, `fc1.bias`, `fc2.weight`, `fc2.bias`.
public final class CharMLP: Module {
    /// The character vectors `C`, `[27, embeddingSize]`.
    public let emb: Embedding
    /// The hidden layer.
    public let fc1: Linear
    /// The output layer.
    public let fc2: Linear
    /// Characters of context.
    public let blockSize: Int
    public var isTraining = true

    /// W8's initialisation from `SplitMix64(seed)`: `C` first, row-major, uniform in
    /// `(-√3, √3)` (unit variance like PyTorch's `N(0, 1)`, but bit-exact in every language),
    /// then the two layers with PyTorch's `nn.Linear` law.
    public init(blockSize: Int = 3, embeddingSize: Int = 10, hiddenSize: Int = 200, seed: UInt64 = 82) {
        var generator = SplitMix64(seed: seed)
        let bound = 3.0.squareRoot()
        emb = Embedding(weight: Tensor.uniform([Vocabulary.size, embeddingSize], low: -bound, high: bound, generator: &generator))
        fc1 = Linear(inputSize: blockSize * embeddingSize, outputSize: hiddenSize, generator: &generator)
        fc2 = Linear(inputSize: hiddenSize, outputSize: Vocabulary.size, generator: &generator)
        self.blockSize = blockSize
    }

    /// The logits `[N, 27]` of `N` contexts (`blockSize` indices each, example-major).
    public func logits(_ contexts: [Int]) -> Variable {
        let n = contexts.count / blockSize
        let vectors = emb(contexts, shape: [n, blockSize])          // [N, 3, 10]
        let hidden = fc1(vectors.reshaped([n, blockSize * emb.embeddingDim])).tanh()
        return fc2(hidden)
    }

    /// The logits of the contexts held (as whole numbers) in `input`, `[N, blockSize]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        logits(input.value.scalars(as: Double.self).map { Int($0) })
    }

    /// The mean cross-entropy of the next characters `targets` given `contexts`.
    public func loss(_ contexts: [Int], _ targets: [Int]) -> Variable {
        crossEntropy(logits(contexts), classes: targets)
    }

    /// The mean cross-entropy over all of `examples`, without a graph. The per-example losses
    /// are added in `Double`: a float32 running sum of 29,000 terms would be off by ~1e-5.
    public func loss(on examples: Examples) -> Double {
        let perExample = withNoGrad { crossEntropy(logits(examples.contexts), classes: examples.targets, reduction: .none) }
        return perExample.value.scalars(as: Float.self).reduce(0.0) { $0 + Double($1) } / Double(examples.count)
    }

    public var namedParameters: [(name: String, parameter: Variable)] {
        prefixed("emb", emb.namedParameters) + prefixed("fc1", fc1.namedParameters) + prefixed("fc2", fc2.namedParameters)
    }

    /// `count` new names drawn one character at a time from one `SplitMix64(seed)` stream
    /// (W8's rule): the float32 softmax `p` of the context's logits, `u` uniform in [0, 1),
    /// `c_k = Σ_{j≤k} p_j` accumulated in `Double`, and the character is the smallest `k` with
    /// `u · c_26 < c_k`. Index 0 (`.`) ends the name; it takes a draw too.
    public func sample(count: Int, seed: UInt64 = 84, maxLength: Int = 50) -> [String] {
        var generator = SplitMix64(seed: seed)
        return withNoGrad {
            (0..<count).map { _ in
                var context = [Int](repeating: 0, count: blockSize), name = ""
                while name.count < maxLength {
                    let p = logits(context).softmax(axis: 1).value.scalars(as: Float.self)
                    let u = generator.nextUnit()
                    var cumulative = [Double](repeating: 0, count: p.count), total = 0.0
                    for (k, pk) in p.enumerated() { total += Double(pk); cumulative[k] = total }
                    let t = u * total
                    let k = cumulative.firstIndex { t < $0 } ?? p.count - 1
                    if k == 0 { break }
                    name.append(Vocabulary.characters[k])
                    context = Array(context.dropFirst()) + [k]
                }
                return name
            }
        }
    }
}
