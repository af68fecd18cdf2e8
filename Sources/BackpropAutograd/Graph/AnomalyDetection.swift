import Foundation
import Synchronization
import BackpropTensor

/// Stops at the first NaN or infinity an operation produces, forward or backward, and names
/// the operation and where it was created (PyTorch's `torch.autograd.detect_anomaly`).
///
/// It checks every value, so it is slow: turn it on to find a bug, not in training runs.
/// ```swift
/// withAnomalyDetection { loss.backward() }
/// ```
public enum AnomalyDetection {
    @TaskLocal static var enabled = false
    /// How many anomaly-detection scopes are open in the process (none: skip the task-local read).
    static let openScopes = Atomic<Int>(0)

    public static var isEnabled: Bool { openScopes.load(ordering: .relaxed) == 0 ? false : enabled }

    static func check(_ value: Tensor, producedBy name: String, phase: String, creator: Operation?) {
        guard let (bad, kind) = firstNonFinite(value) else { return }
        var message = "Anomaly: \(phase) of '\(name)' produced \(kind) at flat index \(bad) (shape \(value.shape))"
        if let context = creator?.creationContext { message += "\nThe operation was created at:\n\(context)" }
        fatalError(message)
    }

    /// Checks an operation's output, naming the input the value came in with when the
    /// operation only passed on a NaN or infinity it was given.
    static func checkForward(_ value: Tensor, of name: String, inputs: [Variable], creator: Operation?) {
        guard !value.isFinite else { return }
        if let (index, input) = inputs.enumerated().first(where: { !$0.element.value.isFinite }),
           let (bad, kind) = firstNonFinite(input.value) {
            let source = input.label.map { "'\($0)'" } ?? (input.creator.map { "the output of '\($0.name)'" } ?? "a leaf variable")
            fatalError("Anomaly: input \(index) of '\(name)', \(source), already contains \(kind) at flat index \(bad) (shape \(input.shape)); it did not come from an operation recorded under anomaly detection")
        }
        check(value, producedBy: name, phase: "forward", creator: creator)
    }

    /// Checks the gradient handed to `backward`, which no operation produced.
    static func checkSeed(_ seed: Tensor) {
        guard let (bad, kind) = firstNonFinite(seed) else { return }
        fatalError("Anomaly: the gradient passed to backward contains \(kind) at flat index \(bad) (shape \(seed.shape)); it came from the caller, not from an operation")
    }

    /// The first NaN or infinity in `value`, if any: its flat index and a word for it.
    private static func firstNonFinite(_ value: Tensor) -> (Int, String)? {
        guard !value.isFinite else { return nil }
        let values = value.scalars(as: Double.self)
        let bad = values.firstIndex { !$0.isFinite } ?? 0
        return (bad, values[bad].isNaN ? "NaN" : (values[bad] > 0 ? "+infinity" : "-infinity"))
    }

    /// The call stack, minus Backprop's own frames, as a readable string.
    static func callSite() -> String {
        Thread.callStackSymbols.dropFirst(3).prefix(12).joined(separator: "\n")
    }
}

/// Runs `body` with anomaly detection on.
public func withAnomalyDetection<R>(_ body: () throws -> R) rethrows -> R {
    AnomalyDetection.openScopes.add(1, ordering: .relaxed)
    defer { AnomalyDetection.openScopes.subtract(1, ordering: .relaxed) }
    return try AnomalyDetection.$enabled.withValue(true, operation: body)
}
