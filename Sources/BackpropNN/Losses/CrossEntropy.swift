import BackpropTensor
import BackpropAutograd
/// Cross-entropy of logits against class indices (PyTorch's `cross_entropy` with class
/// targets), for logits of shape `[batch, classes]`:
/// `ℓ_i = -Σ_c q_ic · log softmax(x_i)_c`, `q_i = (1 - ε) · onehot(y_i) + ε / C`,
/// so with `ε = 0` (no label smoothing) `ℓ_i = -log softmax(x_i)_{y_i}`. `.mean` averages over the batch.
///
/// One fused operation: `log softmax` is computed as `x - m - log Σ e^(x - m)` with `m` the row
/// maximum (finite for logits of any size) and the picked entries are summed in the same pass.
/// Its derivative, `∂ℓ_i/∂x_i = softmax(x_i) - q_i` (divided by the batch size for `.mean`),
/// is written with `Variable` operations, so second derivatives work too.
///
/// With class weights `w` (PyTorch's `weight`, shape `[classes]`) or an `ignoreIndex` (targets
/// equal to it contribute nothing), as PyTorch:
/// `ℓ_i = (1 - ε) w_{y_i} (-log softmax(x_i)_{y_i}) + (ε / C) Σ_c w_c (-log softmax(x_i)_c)`,
/// and `.mean` divides the sum by `Σ_i w_{y_i}` over the samples not ignored.
public func crossEntropy(_ logits: Variable, classes: [Int], labelSmoothing: Double = 0,
                         weight: Tensor? = nil, ignoreIndex: Int? = nil, reduction: Reduction = .mean) -> Variable {
    guard labelSmoothing >= 0, labelSmoothing <= 1 else {
        fatalError("crossEntropy: labelSmoothing must lie in [0, 1], got \(labelSmoothing)")
    }
    if weight != nil || ignoreIndex != nil {
        return weightedCrossEntropy(logits, classes: classes, labelSmoothing: labelSmoothing, weight: weight,
                                    ignoreIndex: ignoreIndex, reduction: reduction)
    }
    let (n, c) = classificationShape(logits, classes: classes, loss: "crossEntropy")
    let value = perSampleCrossEntropy(logits.value, classes: classes, classCount: c, smoothing: labelSmoothing)
    let perSample = Variable.record("crossEntropy", value, inputs: [logits],
                                    derivative: "dℓ_i/dx_i = softmax(x_i) - q_i, q = (1-ε)·onehot(y) + ε/C") { g, _ in
        let q = smoothedOneHot(classes, rows: n, classCount: c, smoothing: labelSmoothing, dtype: logits.dtype)
        return [g.reshaped([n, 1]) * (logits.softmax(axis: 1) - Variable(q))]
    }
    return perSample.reduced(reduction, loss: "crossEntropy")
}

/// Class-weighted cross-entropy with ignored targets, composed from `logSoftmax` (see
/// ``crossEntropy(_:classes:labelSmoothing:weight:ignoreIndex:reduction:)``).
private func weightedCrossEntropy(_ logits: Variable, classes: [Int], labelSmoothing ε: Double, weight: Tensor?,
                                  ignoreIndex: Int?, reduction: Reduction) -> Variable {
    let kept = classes.map { $0 != ignoreIndex }
    let (n, c) = classificationShape(logits, classes: zip(classes, kept).map { $1 ? $0 : 0 }, loss: "crossEntropy")
    if let weight, weight.shape != [c] {
        fatalError("crossEntropy: weight has shape \(weight.shape); expected one weight per class, [\(c)]")
    }
    let w = weight?.scalars(as: Double.self) ?? [Double](repeating: 1, count: c)
    // ℓ_i = -Σ_c k_ic log softmax(x_i)_c with k_ic = (1-ε) w_c [c = y_i] + (ε/C) w_c, 0 for ignored rows.
    var coefficients = [Double](repeating: 0, count: n * c)
    var totalWeight = 0.0
    for (i, y) in classes.enumerated() where kept[i] {
        for j in 0..<c { coefficients[i * c + j] = ε / Double(c) * w[j] }
        coefficients[i * c + y] += (1 - ε) * w[y]
        totalWeight += w[y]
    }
    let k = Variable(Tensor.fromDoubles(coefficients, shape: [n, c], dtype: logits.dtype))
    let perSample = -(logits.logSoftmax(axis: 1) * k).sum(axes: [1])
    if reduction == .mean { return perSample.sum() * (1 / totalWeight) }
    return perSample.reduced(reduction, loss: "crossEntropy")
}

/// Cross-entropy of logits against target probabilities of the same `[batch, classes]` shape
/// (PyTorch's `cross_entropy` with probability targets):
/// `ℓ_i = -Σ_c q_ic · log softmax(x_i)_c`, `q = (1 - ε) · p + ε / C`. `.mean` averages over the batch.
public func crossEntropy(_ logits: Variable, probabilities: Tensor, labelSmoothing: Double = 0,
                         reduction: Reduction = .mean) -> Variable {
    let (_, c) = classificationShape(logits, classes: nil, loss: "crossEntropy")
    checkSameShape(logits.shape, probabilities.shape, loss: "crossEntropy")
    let q = labelSmoothing == 0 ? probabilities : probabilities * (1 - labelSmoothing) + labelSmoothing / Double(c)
    return (-(logits.logSoftmax(axis: 1) * Variable(q.converted(to: logits.dtype))).sum(axes: [1]))
        .reduced(reduction, loss: "crossEntropy")
}

/// Negative log-likelihood of class indices given log-probabilities of shape
/// `[batch, classes]` (PyTorch's `nll_loss`): `ℓ_i = -x_{i, y_i}`; `∂ℓ_i/∂x_ic = -[c = y_i]`.
/// `nllLoss(logits.logSoftmax(axis: 1), classes:)` equals ``crossEntropy(_:classes:labelSmoothing:weight:ignoreIndex:reduction:)``.
public func nllLoss(_ logProbabilities: Variable, classes: [Int], reduction: Reduction = .mean) -> Variable {
    let (n, c) = classificationShape(logProbabilities, classes: classes, loss: "nllLoss")
    let picked = logProbabilities.value.reshaped([n * c]).gatherRows(classes.enumerated().map { $0.offset * c + $0.element })
    let perSample = Variable.record("nllLoss", -picked, inputs: [logProbabilities],
                                    derivative: "dℓ_i/dx_ic = -1 if c = y_i else 0") { g, _ in
        let onehot = smoothedOneHot(classes, rows: n, classCount: c, smoothing: 0, dtype: logProbabilities.dtype)
        return [-(g.reshaped([n, 1]) * Variable(onehot))]
    }
    return perSample.reduced(reduction, loss: "nllLoss")
}

/// Checks a `[batch, classes]` input against the class targets: one per row, each in range.
private func classificationShape(_ x: Variable, classes: [Int]?, loss: String) -> (Int, Int) {
    guard x.rank == 2 else {
        fatalError("\(loss): expected input of shape [batch, classes], got \(x.shape)")
    }
    let (n, c) = (x.shape[0], x.shape[1])
    guard let classes else { return (n, c) }
    guard classes.count == n else {
        fatalError("\(loss): \(classes.count) class targets for a batch of \(n) (input shape \(x.shape))")
    }
    for y in classes where y < 0 || y >= c {
        fatalError("\(loss): class index \(y) is out of range for \(c) classes (input shape \(x.shape))")
    }
    return (n, c)
}

/// `(1 - ε) · onehot(y) + ε / C` as a `[rows, classCount]` tensor.
func smoothedOneHot(_ classes: [Int], rows: Int, classCount c: Int, smoothing: Double, dtype: DType) -> Tensor {
    var q = Tensor.full([rows, c], value: smoothing / Double(c), dtype: dtype)
    for (i, y) in classes.enumerated() { q[i, y] += 1 - smoothing }
    return q
}

/// `ℓ_i = Σ_c q_ic (lse(x_i) - x_ic) = log Σ_c e^(x_ic - m) - Σ_c q_ic (x_ic - m)` for each row
/// (valid because `Σ_c q_ic = 1`), with `m` the row maximum, in one pass over the logits.
/// Every term is taken relative to `m` and summed in `Double`, so logits of 1e37 give a
/// finite loss: `lse - Σ q x` would subtract two numbers near 1e37 (or overflow summing them).
private func perSampleCrossEntropy(_ logits: Tensor, classes: [Int], classCount c: Int, smoothing: Double) -> Tensor {
    let n = classes.count
    var out = Tensor(uninitializedShape: [n], dtype: logits.dtype)
    func run<T: TensorScalar>(_: T.Type) {
        logits.withPointer(T.self) { x in out.withMutablePointer(T.self) { loss in
            for i in 0..<n {
                let row = x + i * c
                var m = -T.infinity
                for j in 0..<c where row[j] > m { m = row[j] }
                let shift = Double(m)
                var s = 0.0, spread = 0.0
                for j in 0..<c {
                    s += Double(T.exp(row[j] - m))
                    spread += Double(row[j]) - shift
                }
                let picked = (1 - smoothing) * (Double(row[classes[i]]) - shift)
                    + (smoothing == 0 ? 0 : smoothing / Double(c) * spread)
                loss[i] = T(Double.log(s) - picked)
            }
        } }
    }
    switch logits.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    }
    return out
}
