import Foundation

/// Stops at the first NaN or infinity an operation produces, forward or backward, and names
/// the operation and where it was created (PyTorch's `torch.autograd.detect_anomaly`).
///
/// It checks every value, so it is slow: turn it on to find a bug, not in training runs.
/// ```swift
/// withAnomalyDetection { loss.backward() }
/// ```
public enum AnomalyDetection {
    @TaskLocal static var enabled = false

    public static var isEnabled: Bool { enabled }

    static func check(_ value: Tensor, producedBy name: String, phase: String, creator: Operation?) {
        guard !value.isFinite else { return }
        let values = value.scalars(as: Double.self)
        let bad = values.firstIndex { !$0.isFinite } ?? 0
        var message = "Anomaly: \(phase) of '\(name)' produced \(values[bad].isNaN ? "NaN" : (values[bad] > 0 ? "+infinity" : "-infinity")) at flat index \(bad) (shape \(value.shape))"
        if let context = creator?.creationContext { message += "\nThe operation was created at:\n\(context)" }
        fatalError(message)
    }

    /// The call stack, minus Backprop's own frames, as a readable string.
    static func callSite() -> String {
        Thread.callStackSymbols.dropFirst(3).prefix(12).joined(separator: "\n")
    }
}

/// Runs `body` with anomaly detection on.
public func withAnomalyDetection<R>(_ body: () throws -> R) rethrows -> R {
    try AnomalyDetection.$enabled.withValue(true, operation: body)
}
