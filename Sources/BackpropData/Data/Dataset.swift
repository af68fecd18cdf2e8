import BackpropTensor
import BackpropAutograd
import BackpropNN
/// A collection of examples that can hand out any subset of them as one ``Batch``.
///
/// ``DataLoader`` asks a data set for batches by index; ``TensorDataset`` is the in-memory
/// implementation. Write your own to generate or load examples lazily.
public protocol Dataset {
    /// The number of examples.
    var count: Int { get }
    /// The examples at `indices`, in that order, stacked along a new first axis.
    func batch(_ indices: [Int]) -> Batch
}

/// Examples stacked along the first axis: inputs and what the model should predict for them.
public struct Batch: Sendable {
    /// The inputs, shape `[batchSize, ...]`.
    public var inputs: Tensor
    /// Regression targets `[batchSize, ...]`; for a classification set, the class indices as
    /// numbers, shape `[batchSize]` (handy for binary cross-entropy after `reshaped([-1, 1])`).
    public var targets: Tensor
    /// Class indices, one per example (empty for a regression set).
    public var labels: [Int]

    /// The number of examples in the batch.
    public var count: Int { inputs.shape.first ?? 0 }

    /// A batch of the given parts (`labels` empty for regression).
    public init(inputs: Tensor, targets: Tensor, labels: [Int]) {
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }
}
