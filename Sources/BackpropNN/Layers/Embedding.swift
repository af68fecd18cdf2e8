import BackpropTensor
import BackpropAutograd
/// A lookup table of learned vectors, one row per token (PyTorch's `nn.Embedding`):
/// index `i` becomes row `i` of `weight` (`[numEmbeddings, embeddingDim]`).
///
/// The weight starts from `N(0, 1)` (PyTorch's default), drawn row-major from `generator`; the
/// row of `paddingIndex`, if any, starts at zero and never receives a gradient. The lookup and
/// its derivative are ``embedding(_:shape:weight:paddingIndex:)``.
/// ```swift
/// var g = SplitMix64(seed: 1)
/// let table = Embedding(numEmbeddings: 27, embeddingDim: 10, generator: &g)
/// let vectors = table([[0, 0, 5], [0, 5, 13]])    // [2, 3, 10]
/// ```
public final class Embedding: Module {
    /// `[numEmbeddings, embeddingDim]`.
    public var weight: Variable
    /// The number of rows (the vocabulary size).
    public let numEmbeddings: Int
    /// The length of each vector.
    public let embeddingDim: Int
    /// The index whose row stays fixed (no gradient), normalised to `0..<numEmbeddings`.
    public let paddingIndex: Int?
    public var isTraining = true

    /// A table drawn from `N(0, 1)`, with the padding row (PyTorch accepts a negative
    /// `paddingIndex`, counted from the end) set to zero.
    public convenience init(numEmbeddings: Int, embeddingDim: Int, paddingIndex: Int? = nil, dtype: DType = .float32,
                generator: inout SplitMix64) {
        var table = Tensor.normal([numEmbeddings, embeddingDim], dtype: dtype, generator: &generator)
        let padding = Embedding.checkedPadding(paddingIndex, rows: numEmbeddings, embeddingDim: embeddingDim)
        if let padding { for j in 0..<embeddingDim { table[padding, j] = 0 } }
        self.init(weight: table, paddingIndex: padding)
    }

    /// A table starting from `weight` (`[numEmbeddings, embeddingDim]`), trainable, like
    /// PyTorch's `Embedding.from_pretrained(weight, freeze=False)`.
    public init(weight: Tensor, paddingIndex: Int? = nil) {
        guard weight.rank == 2 else { fatalError("Embedding: the weight must be [numEmbeddings, embeddingDim], got shape \(weight.shape)") }
        numEmbeddings = weight.shape[0]
        embeddingDim = weight.shape[1]
        self.paddingIndex = Embedding.checkedPadding(paddingIndex, rows: numEmbeddings, embeddingDim: embeddingDim)
        self.weight = Variable(weight, requiresGrad: true, label: "weight")
    }

    private static func checkedPadding(_ index: Int?, rows: Int, embeddingDim: Int) -> Int? {
        guard rows > 0, embeddingDim > 0 else {
            fatalError("Embedding: sizes must be positive, got numEmbeddings \(rows), embeddingDim \(embeddingDim)")
        }
        guard let index else { return nil }
        guard index >= -rows, index < rows else {
            fatalError("Embedding: paddingIndex \(index) is out of range for \(rows) embeddings")
        }
        return index < 0 ? index + rows : index
    }

    /// The rows of `indices`, shaped `shape + [embeddingDim]` (`shape` defaults to `[indices.count]`).
    public func callAsFunction(_ indices: [Int], shape: [Int]? = nil) -> Variable {
        embedding(indices, shape: shape, weight: weight, paddingIndex: paddingIndex)
    }

    /// The rows of a batch of index sequences of equal length: `[batch, length, embeddingDim]`.
    public func callAsFunction(_ indices: [[Int]]) -> Variable {
        let length = indices.first?.count ?? 0
        guard indices.allSatisfy({ $0.count == length }) else {
            fatalError("Embedding: index rows of different lengths \(Set(indices.map(\.count)).sorted())")
        }
        return self(indices.flatMap { $0 }, shape: [indices.count, length])
    }

    /// The rows of the indices held (as whole numbers) in `input`: `input.shape + [embeddingDim]`.
    /// This lets the table sit in a ``Sequential``; the indices get no gradient.
    public func callAsFunction(_ input: Variable) -> Variable {
        let values = input.value.scalars(as: Double.self)
        let indices = values.map { Int(exactly: $0) ?? Int.min }
        if let bad = zip(values, indices).first(where: { $0.1 == Int.min }) {
            fatalError("Embedding: input \(input.shape) holds \(bad.0), which is not a whole-number index")
        }
        return self(indices, shape: input.shape)
    }

    public var namedParameters: [(name: String, parameter: Variable)] { [(name: "weight", parameter: weight)] }
}

extension Embedding: CustomStringConvertible {
    public var description: String {
        "Embedding(\(numEmbeddings), \(embeddingDim)\(paddingIndex.map { ", paddingIndex: \($0)" } ?? ""))"
    }
}
