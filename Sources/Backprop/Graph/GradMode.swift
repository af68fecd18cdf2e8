/// Whether operations record the graph. Off inside ``withNoGrad(_:)``: inference and
/// optimizer updates need no history.
public enum GradMode {
    @TaskLocal static var enabled = true

    /// Whether operations on this thread (task) currently record the graph.
    public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording the graph (PyTorch's `torch.no_grad()`).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$enabled.withValue(false, operation: body)
}

/// Runs `body` with graph recording on or off.
public func withGradEnabled<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
    try GradMode.$enabled.withValue(enabled, operation: body)
}
