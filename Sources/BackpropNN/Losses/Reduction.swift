import BackpropTensor
import BackpropAutograd
/// How a loss turns its per-element values into the result, as PyTorch's `reduction=`.
public enum Reduction: Sendable {
    /// The average over all elements (for the classification losses: over the batch).
    case mean
    /// The sum over all elements.
    case sum
    /// No reduction: one loss per element (per sample for the classification losses).
    case none
    /// The sum divided by the batch size (the first axis); defined only for
    /// ``klDivergence(_:_:reduction:logTarget:)-(_,Variable,_,_)``, where it is the mathematically correct mean.
    case batchMean
}

extension Variable {
    /// Applies a loss reduction to per-element losses.
    func reduced(_ reduction: Reduction, loss: String) -> Variable {
        switch reduction {
        case .mean: return mean()
        case .sum: return sum()
        case .none: return self
        case .batchMean:
            fatalError("\(loss): reduction .batchMean is only defined for klDivergence; use .mean, .sum or .none")
        }
    }
}

/// Checks that prediction and target have the same shape; broadcasting them silently (as
/// PyTorch does with a warning) turns a `[N, 1]` vs `[N]` slip into an `[N, N]` loss.
func checkSameShape(_ prediction: [Int], _ target: [Int], loss: String) {
    guard prediction == target else {
        fatalError("\(loss): prediction shape \(prediction) and target shape \(target) differ; reshape one of them (e.g. target.reshaped(\(prediction)))")
    }
}
