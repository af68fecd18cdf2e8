import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData
/// The fraction of rows whose largest logit sits at the true class.
///
/// `accuracy = (1/N) Σ_i [argmax_j logits[i, j] = labels[i]]` for `[N, classes]` logits
/// (scores, probabilities or log-probabilities: only the argmax matters).
///
/// ```swift
/// let logits = Tensor([2, 1, 0,  0, 3, 1] as [Float], shape: [2, 3])
/// accuracy(logits: logits, labels: [0, 2])   // 0.5
/// ```
public func accuracy(logits: Tensor, labels: [Int]) -> Double {
    guard logits.rank == 2 else {
        fatalError("accuracy: logits must have shape [batch, classes], got \(logits.shape)")
    }
    guard logits.shape[0] == labels.count else {
        fatalError("accuracy: \(logits.shape[0]) rows of logits (shape \(logits.shape)) but \(labels.count) labels")
    }
    return accuracy(predictions: logits.argmax(axis: 1), labels: labels)
}

/// The fraction of predictions equal to their label: `(1/N) Σ_i [predictions[i] = labels[i]]`.
/// Returns 0 for empty input.
public func accuracy(predictions: [Int], labels: [Int]) -> Double {
    guard predictions.count == labels.count else {
        fatalError("accuracy: \(predictions.count) predictions but \(labels.count) labels")
    }
    guard !labels.isEmpty else { return 0 }
    var correct = 0
    for (p, l) in zip(predictions, labels) where p == l { correct += 1 }
    return Double(correct) / Double(labels.count)
}
