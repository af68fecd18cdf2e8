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
    AnomalyDetection.openScopes.add(1, ordering: .relaxed)
    defer { AnomalyDetection.openScopes.subtract(1, ordering: .relaxed) }
    return try AnomalyDetection.$enabled.withValue(true, operation: body)
}
