import BackpropTensor
import BackpropAutograd
/// Kullback–Leibler divergence as PyTorch's `kl_div(input, target)`, where `input` holds
/// log-probabilities and `target` probabilities:
/// `ℓ_i = y_i · (ln y_i - x_i)`, taken as 0 where `y_i = 0`. With `logTarget: true` the target is
/// given as log-probabilities too and `ℓ_i = e^(y_i) · (y_i - x_i)`.
///
/// `.batchMean` (sum divided by the first axis' size) gives the true KL divergence per sample;
/// `.mean` divides by the element count, as PyTorch's default does. `∂ℓ/∂x = -y`.
public func klDivergence(_ logInput: Variable, _ target: Variable, reduction: Reduction = .mean,
                         logTarget: Bool = false) -> Variable {
    checkSameShape(logInput.shape, target.shape, loss: "klDivergence")
    let pointwise: Variable
    if logTarget {
        pointwise = target.exp() * (target - logInput)
    } else {
        // ln y where y > 0; where y = 0 the term y · ln y is 0 (ln 1 keeps the log finite).
        let positive = target.value.greater(than: 0)
        let safeLog = (target + Variable(1 - positive)).log()
        pointwise = target * (safeLog - logInput)
    }
    if reduction == .batchMean {
        let batch = logInput.rank == 0 ? 1 : logInput.shape[0]
        return pointwise.sum() * (1 / Double(batch))
    }
    return pointwise.reduced(reduction, loss: "klDivergence")
}

/// ``klDivergence(_:_:reduction:logTarget:)-(_,Variable,_,_)`` with a constant target.
public func klDivergence(_ logInput: Variable, _ target: Tensor, reduction: Reduction = .mean,
                         logTarget: Bool = false) -> Variable {
    klDivergence(logInput, Variable(target), reduction: reduction, logTarget: logTarget)
}
