import Synchronization

// Backward passes, `zeroGrad` and gradient assignments write a variable's gradient and a graph
// walk's bookkeeping without locks, so one thread at a time may do them to a variable. Rather
// than crash in a data race when two threads train one model, each of these claims the
// variables it writes (one atomic compare-and-swap per variable) and stops with a message when
// another one holds them. Reading a shared model (inference under `withNoGrad`) claims nothing.

extension Variable {
    /// A number for each claim, unique in the process; 0 means "not claimed".
    private static let nextClaimToken = Atomic<UInt64>(1)

    /// Claims every variable of a backward pass's graph (the same variable may appear twice).
    static func claimForBackward(_ nodes: [Variable]) {
        let token = nextClaimToken.add(1, ordering: .relaxed).newValue
        for node in nodes {
            let (exchanged, holder) = node.claim.compareExchange(expected: 0, desired: token, ordering: .acquiring)
            if !exchanged && holder != token { node.sharedUseError("backward") }
        }
    }

    /// Ends the claims of a backward pass.
    static func releaseClaims(_ nodes: [Variable]) {
        for node in nodes { node.claim.store(0, ordering: .releasing) }
    }

    /// Runs `body`, which writes this variable's gradient, while holding this variable's claim.
    func exclusively<R>(_ operation: String, _ body: () -> R) -> R {
        let token = Variable.nextClaimToken.add(1, ordering: .relaxed).newValue
        guard claim.compareExchange(expected: 0, desired: token, ordering: .acquiring).exchanged else {
            sharedUseError(operation)
        }
        defer { claim.store(0, ordering: .releasing) }
        return body()
    }

    private func sharedUseError(_ operation: String) -> Never {
        let name = label.map { "'\($0)'" } ?? (creator.map { "the output of '\($0.name)'" } ?? "a variable")
        fatalError("\(operation): \(name) (shape \(shape)) is being written by another backward pass or gradient update at the same time, on another thread (or one this thread is running). A model is trained (backward, zeroGrad, optimizer steps) by one thread at a time: give each thread its own copy of the model, or share it between threads only for inference under withNoGrad (see docs/threads.md)")
    }
}
