import Foundation
import Testing
import Backprop

/// Graphs of a million nodes are created, dropped and backpropagated on a thread with a
/// 512 KiB stack (a recursive release overflowed it at about 3,000 nodes). Each case runs in a
/// child process (an exit test), so an overflow fails that case instead of the whole suite.
@Suite struct GraphLifetimeTests {
    static let depth = 1_000_000

    /// Runs `body` on a new thread with a 512 KiB stack and waits for it to finish.
    static func onSmallStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { body(); done.signal() }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
    }

    /// `x · 1.0001` repeated `depth` times: a chain as deep as the graph can get.
    static func chain(from x: Variable, depth: Int = GraphLifetimeTests.depth) -> Variable {
        var y = x
        for _ in 0..<depth { y = y * 1.0001 }
        return y
    }

    @Test func deepUnusedGraphIsDroppedOnASmallStack() async {
        await #expect(processExitsWith: .success) {
            GraphLifetimeTests.onSmallStack {
                let x = Variable(Tensor([1] as [Float]), requiresGrad: true)
                var y: Variable? = GraphLifetimeTests.chain(from: x)
                weak var last = y
                y = nil                                         // never backpropagated
                precondition(last == nil, "the graph was not released")
            }
        }
    }

    @Test func deepGraphIsBackpropagatedOnASmallStack() async {
        await #expect(processExitsWith: .success) {
            GraphLifetimeTests.onSmallStack {
                let x = Variable(1.0, dtype: .float64, requiresGrad: true)
                GraphLifetimeTests.chain(from: x).backward()
                let expected = Foundation.pow(1.0001, Double(GraphLifetimeTests.depth))
                precondition(Swift.abs(x.grad!.item(as: Double.self) / expected - 1) < 1e-9)
            }
        }
    }

    @Test func deepRetainedGraphIsDroppedOnASmallStack() async {
        await #expect(processExitsWith: .success) {
            GraphLifetimeTests.onSmallStack {
                let x = Variable(1.0, dtype: .float64, requiresGrad: true)
                var y: Variable? = GraphLifetimeTests.chain(from: x)
                y!.backward(retainGraph: true)
                y!.backward()                                   // the retained graph works
                y = nil
            }
        }
    }

    @Test func deepGraphOfABackwardPassIsDroppedOnASmallStack() async {
        await #expect(processExitsWith: .success) {
            GraphLifetimeTests.onSmallStack {
                // A quarter of the depth: the backward pass records about three nodes per
                // tanh, so the two graphs hold a million nodes together.
                let x = Variable(0.5, dtype: .float64, requiresGrad: true)
                var y: Variable? = x
                for _ in 0..<GraphLifetimeTests.depth / 4 { y = y!.tanh() }
                y!.backward(createGraph: true)
                // x.grad's graph (the backward pass, a million nodes more) is differentiable...
                let gradient = x.gradVariable!
                x.zeroGrad()
                gradient.backward()
                // ...and both graphs are dropped with the last references.
                y = nil
            }
        }
    }

    @Test func droppedGraphReleasesEveryNode() {
        weak var first: Variable?
        do {
            let x = Variable(Tensor([1, 2] as [Float]), requiresGrad: true)
            let a = x.tanh()
            first = a
            _ = ((a * a).sigmoid() + a).sum()
        }
        #expect(first == nil)
    }
}
