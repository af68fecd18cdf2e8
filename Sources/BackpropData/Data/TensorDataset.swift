import BackpropTensor
import BackpropAutograd
import BackpropNN
/// A data set held in memory as tensors whose first axis indexes the examples.
///
/// Classification: `TensorDataset(inputs: x, labels: [Int])`. Regression:
/// `TensorDataset(inputs: x, targets: y)` with `y.shape[0] == x.shape[0]`.
///
/// ```swift
/// let data = TensorDataset(inputs: Tensor([0, 0, 0, 1, 1, 0, 1, 1] as [Float], shape: [4, 2]),
///                          labels: [0, 1, 1, 0])
/// let batch = data.batch([3, 0])   // inputs [[1, 1], [0, 0]], labels [0, 0]
/// ```
public struct TensorDataset: Dataset, Sendable {
    /// All inputs, shape `[count, ...]`.
    public let inputs: Tensor
    /// Regression targets `[count, ...]`, or the labels as numbers `[count]` for classification.
    public let targets: Tensor
    /// Class indices (empty for a regression set).
    public let labels: [Int]
    /// The name of each class index when the labels were read as text (`classNames[label]`),
    /// else empty. Save it with the model to turn predictions back into names.
    public let classNames: [String]

    /// A classification set: one integer class label per input row, each in `0..<classNames.count`
    /// when class names are given.
    public init(inputs: Tensor, labels: [Int], classNames: [String] = []) {
        guard inputs.rank >= 1, inputs.shape[0] == labels.count else {
            fatalError("TensorDataset: inputs of shape \(inputs.shape) need one label per row (\(inputs.shape.first ?? 0)), got \(labels.count) labels")
        }
        if !classNames.isEmpty, let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            fatalError("TensorDataset: label \(bad) is not the index of one of the \(classNames.count) class names")
        }
        self.inputs = inputs
        self.labels = labels
        self.classNames = classNames
        self.targets = Tensor.fromDoubles(labels.map(Double.init), shape: [labels.count], dtype: inputs.dtype)
    }

    /// A regression set: one target row per input row.
    public init(inputs: Tensor, targets: Tensor) {
        guard inputs.rank >= 1, targets.rank >= 1, inputs.shape[0] == targets.shape[0] else {
            fatalError("TensorDataset: inputs \(inputs.shape) and targets \(targets.shape) need the same number of rows (first axis)")
        }
        self.inputs = inputs
        self.targets = targets
        self.labels = []
        self.classNames = []
    }

    private init(inputs: Tensor, targets: Tensor, labels: [Int], classNames: [String]) {
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
        self.classNames = classNames
    }

    /// The number of examples (rows).
    public var count: Int { inputs.shape[0] }

    /// Whether the set has class labels (classification) rather than only targets (regression).
    public var isClassification: Bool { !labels.isEmpty || count == 0 }

    /// The number of classes: the number of class names when there are any, else the largest
    /// label plus one (0 for a regression set).
    public var classCount: Int { classNames.isEmpty ? (labels.max() ?? -1) + 1 : classNames.count }

    /// The rows at `indices`, copied row by row (`memcpy`, no per-element conversion).
    public func batch(_ indices: [Int]) -> Batch {
        Batch(inputs: inputs.gatherRows(indices), targets: targets.gatherRows(indices),
              labels: labels.isEmpty ? [] : indices.map { labels[$0] })
    }

    /// A new data set of the rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> TensorDataset {
        let b = batch(indices)
        return TensorDataset(inputs: b.inputs, targets: b.targets, labels: b.labels, classNames: classNames)
    }

    /// The same examples with transformed inputs (for example standardised, see ``Standardizer``).
    public func mapInputs(_ transform: (Tensor) -> Tensor) -> TensorDataset {
        let newInputs = transform(inputs)
        guard newInputs.shape.first == count else {
            fatalError("TensorDataset.mapInputs: the transform changed the row count from \(count) to \(newInputs.shape.first ?? 0)")
        }
        return TensorDataset(inputs: newInputs, targets: targets, labels: labels, classNames: classNames)
    }
}
