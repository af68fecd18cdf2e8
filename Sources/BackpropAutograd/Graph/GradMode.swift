import Synchronization
import BackpropTensor

/// Whether operations record the graph. Off inside ``withNoGrad(_:)``: inference and
/// optimizer updates need no history.
public enum GradMode {
    @TaskLocal static var enabled = true
    /// How many `withNoGrad` / `withGradEnabled` scopes are open in the process. While none is,
    /// the task-local value is its default and reading it (a runtime call) can be skipped.
    static let openScopes = Atomic<Int>(0)

    /// Whether operations on this thread (task) currently record the graph.
    public static var isEnabled: Bool {
        openScopes.load(ordering: .relaxed) == 0 ? true : enabled
    }
}

/// Runs `body` without recording the graph (PyTorch's `torch.no_grad()`).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try withGradEnabled(false, body)
}

/// Runs `body` with graph recording on or off.
public func withGradEnabled<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
    GradMode.openScopes.add(1, ordering: .relaxed)
    defer { GradMode.openScopes.subtract(1, ordering: .relaxed) }
    return try GradMode.$enabled.withValue(enabled, operation: body)
}
