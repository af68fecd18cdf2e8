import BackpropTensor
import BackpropAutograd
import BackpropNN
/// Splits a data set into disjoint random subsets of the given sizes (like PyTorch's
/// `random_split`): one Fisher–Yates permutation from `SplitMix64(seed)`, cut into consecutive pieces.
///
/// ```swift
/// let parts = randomSplit(data, lengths: [800, 200], seed: 0)
/// ```
public func randomSplit(_ dataset: TensorDataset, lengths: [Int], seed: UInt64) -> [TensorDataset] {
    let total = lengths.reduce(0) { $0.addingReportingOverflow($1).overflow ? Int.max : $0 + $1 }
    guard lengths.allSatisfy({ $0 >= 0 }), total == dataset.count else {
        fatalError("randomSplit: lengths \(lengths) must be non-negative and sum to the data set's \(dataset.count) examples")
    }
    var rng = SplitMix64(seed: seed)
    let order = rng.permutation(dataset.count)
    var start = 0
    return lengths.map { n in
        defer { start += n }
        return dataset.subset(Array(order[start..<(start + n)]))
    }
}

/// Splits a data set by fractions that sum to 1: each part gets `floor(fraction · count)` examples,
/// and the remainder is handed out one by one to the parts in order (PyTorch's rule).
public func randomSplit(_ dataset: TensorDataset, fractions: [Double], seed: UInt64) -> [TensorDataset] {
    guard !fractions.isEmpty, fractions.allSatisfy({ $0 >= 0 }), Swift.abs(fractions.reduce(0, +) - 1) < 1e-9 else {
        fatalError("randomSplit: fractions \(fractions) must be non-negative and sum to 1")
    }
    var lengths = fractions.map { Int(($0 * Double(dataset.count)).rounded(.down)) }
    var remainder = dataset.count - lengths.reduce(0, +)
    var i = 0
    while remainder > 0 {
        lengths[i % lengths.count] += 1
        remainder -= 1
        i += 1
    }
    return randomSplit(dataset, lengths: lengths, seed: seed)
}

/// A random training/validation split: `validationFraction` of the examples (rounded down) go to
/// the validation set.
public func trainValidationSplit(_ dataset: TensorDataset, validationFraction: Double, seed: UInt64) -> (train: TensorDataset, validation: TensorDataset) {
    guard validationFraction >= 0, validationFraction <= 1 else {
        fatalError("trainValidationSplit: validationFraction must lie in [0, 1], got \(validationFraction)")
    }
    let validation = Int((validationFraction * Double(dataset.count)).rounded(.down))
    let parts = randomSplit(dataset, lengths: [dataset.count - validation, validation], seed: seed)
    return (parts[0], parts[1])
}
