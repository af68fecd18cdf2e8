import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Counts of (true class, predicted class) pairs, with per-class precision and recall.
///
/// Row `i` holds the examples whose true class is `i`; column `j` those predicted as `j`, so
/// the diagonal counts correct predictions.
/// `precision(j) = counts[j][j] / Σ_i counts[i][j]` (of everything predicted `j`, how much was `j`),
/// `recall(i) = counts[i][i] / Σ_j counts[i][j]` (of everything truly `i`, how much was found).
///
/// ```swift
/// var matrix = ConfusionMatrix(classCount: 10)
/// matrix.add(logits: model(x).value, labels: batch.labels)
/// print(matrix)          // the table, with precision and recall per class
/// ```
public struct ConfusionMatrix: Sendable, Equatable, CustomStringConvertible {
    /// The number of classes (rows and columns).
    public let classCount: Int
    /// `counts[actual][predicted]`.
    public private(set) var counts: [[Int]]
    /// The name of each class (``TensorDataset/classNames``), printed beside its row; empty
    /// when the classes are only numbers.
    public var classNames: [String] = []

    /// An empty matrix for classes `0..<classCount`.
    public init(classCount: Int) {
        guard classCount >= 1 else { fatalError("ConfusionMatrix: classCount must be at least 1, got \(classCount)") }
        self.classCount = classCount
        self.counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// A matrix filled from paired predictions and labels; `classCount` defaults to one more
    /// than the largest class seen.
    public init(predictions: [Int], labels: [Int], classCount: Int? = nil) {
        let seen = (predictions.max() ?? 0, labels.max() ?? 0)
        self.init(classCount: classCount ?? (Swift.max(seen.0, seen.1) + 1))
        add(predictions: predictions, labels: labels)
    }

    /// Counts one example.
    public mutating func add(predicted: Int, actual: Int) {
        guard (0..<classCount).contains(predicted), (0..<classCount).contains(actual) else {
            fatalError("ConfusionMatrix.add: class out of range 0..<\(classCount) (predicted \(predicted), actual \(actual))")
        }
        counts[actual][predicted] += 1
    }

    /// Counts paired predictions and labels.
    public mutating func add(predictions: [Int], labels: [Int]) {
        guard predictions.count == labels.count else {
            fatalError("ConfusionMatrix.add: \(predictions.count) predictions but \(labels.count) labels")
        }
        for (p, l) in zip(predictions, labels) { add(predicted: p, actual: l) }
    }

    /// Counts the argmax of each row of `[batch, classes]` logits against its label.
    public mutating func add(logits: Tensor, labels: [Int]) {
        guard logits.rank == 2, logits.shape[0] == labels.count else {
            fatalError("ConfusionMatrix.add: logits of shape \(logits.shape) do not match \(labels.count) labels (need [\(labels.count), classes])")
        }
        add(predictions: logits.argmax(axis: 1), labels: labels)
    }

    /// The number of examples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// The number of correct predictions (the diagonal).
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }
    /// `correct / total`, 0 when empty.
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Of the examples predicted as `classIndex`, the fraction that truly are; `nil` when
    /// nothing was predicted as that class.
    public func precision(of classIndex: Int) -> Double? {
        let predicted = (0..<classCount).reduce(0) { $0 + counts[$1][classIndex] }
        return predicted == 0 ? nil : Double(counts[classIndex][classIndex]) / Double(predicted)
    }

    /// Of the examples truly of `classIndex`, the fraction predicted as such; `nil` when the
    /// class never occurs.
    public func recall(of classIndex: Int) -> Double? {
        let actual = counts[classIndex].reduce(0, +)
        return actual == 0 ? nil : Double(counts[classIndex][classIndex]) / Double(actual)
    }

    /// The table: one row per true class, one column per predicted class, then precision
    /// and recall of that class.
    public var description: String {
        let width = Swift.max(String(counts.flatMap { $0 }.max() ?? 0).count, String(classCount - 1).count, 3)
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: Swift.max(0, w - s.count)) + s }
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        // Class names (when there is one per class) go left-aligned before the row's index.
        let names = classNames.count == classCount ? classNames : []
        let nameWidth = names.isEmpty ? 0 : names.map(\.count).max()! + 1
        func name(_ i: Int) -> String { names.isEmpty ? "" : names[i] + String(repeating: " ", count: nameWidth - names[i].count) }
        var lines = ["true \\ predicted"]
        lines.append(pad("", nameWidth + 6) + (0..<classCount).map { pad(String($0), width + 1) }.joined()
                     + pad("precision", 11) + pad("recall", 8))
        for i in 0..<classCount {
            lines.append(name(i) + pad(String(i), 6) + counts[i].map { pad(String($0), width + 1) }.joined()
                         + pad(percent(precision(of: i)), 11) + pad(percent(recall(of: i)), 8))
        }
        lines.append("accuracy \(correct)/\(total) = \(percent(accuracy))")
        return lines.joined(separator: "\n")
    }
}
