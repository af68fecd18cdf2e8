import Foundation
import Synchronization
import Testing
import Backprop

/// A box that lets the tests hand one variable to several threads on purpose.
private final class Shared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Misuse of the graph stops with a message naming the problem: sharing a model between
/// threads that train it, custom operations returning the wrong number of gradients, and
/// NaNs that anomaly detection must trace to their real source. Run in child processes.
@Suite struct GraphMisuseTests {
    static func message(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    // MARK: Threads

    @Test func twoThreadsTrainingOneParameterStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Shared(Variable(Tensor.ones([16, 16]), requiresGrad: true, label: "w"))
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                for _ in 0..<200_000 {
                    w.value.matmul(w.value).tanh().sum().backward()
                }
            }
        }
        let text = Self.message(result)
        #expect(text.contains("backward: 'w' (shape [16, 16]) is being written by another backward pass or gradient update at the same time"), "\(text)")
    }

    @Test func twoThreadsBackwardThroughOneGraphStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Variable(Tensor.ones([64]), requiresGrad: true, label: "x")
            var y = x
            for _ in 0..<200 { y = y.tanh() }
            let loss = Shared(y.sum())
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                for _ in 0..<100_000 { loss.value.backward(retainGraph: true) }
            }
        }
        #expect(Self.message(result).contains("is being written by another backward pass or gradient update at the same time"))
    }

    @Test func zeroGradDuringAnotherThreadsBackwardStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Shared(Variable(Tensor.ones([32, 32]), requiresGrad: true, label: "w"))
            DispatchQueue.concurrentPerform(iterations: 2) { thread in
                for _ in 0..<1_000_000 {
                    if thread == 0 { w.value.matmul(w.value).sum().backward() } else { w.value.zeroGrad() }
                }
            }
        }
        // Whichever comes second stops: zeroGrad, or the backward pass that finds zeroGrad there.
        #expect(Self.message(result).contains("'w' (shape [32, 32]) is being written by another backward pass or gradient update"))
    }

    @Test func inferenceOnASharedModelFromManyThreads() {
        var generator = SplitMix64(seed: 3)
        let model = Shared(Sequential(Linear(inputSize: 8, outputSize: 16, generator: &generator), Tanh(),
                                      Linear(inputSize: 16, outputSize: 2, generator: &generator)))
        let input = Tensor.uniform([4, 8], low: -1, high: 1, generator: &generator)
        let expected = withNoGrad { model.value(Variable(input)).value }
        let matches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                let output = withNoGrad { model.value(Variable(input)).value }
                if output == expected { matches.withLock { $0 += 1 } }
            }
        }
        #expect(matches.withLock { $0 } == 800)
    }

    @Test func threadsTakingTurnsTrainOneModel() {
        // Handing a model from thread to thread (as a task does between awaits) is fine.
        let w = Shared(Variable(Tensor.ones([4]), requiresGrad: true))
        for _ in 0..<3 {
            let thread = DispatchSemaphore(value: 0)
            Thread { (w.value * w.value).sum().backward(); thread.signal() }.start()
            thread.wait()
        }
        w.value.zeroGrad()
        #expect(w.value.grad == nil)
    }

    // MARK: Custom operations

    @Test func customOperationReturningNoGradientStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Variable(Tensor([1, 2] as [Float]), requiresGrad: true)
            let y = Variable.record("myOp", x.value, inputs: [x], derivative: "d/dx = 1") { _, _ in [] }
            y.sum().backward()
        }
        #expect(Self.message(result).contains("backward: 'myOp' returned 0 gradients for 1 input"))
    }

    @Test func customOperationReturningOneGradientForTwoInputsStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = Variable(Tensor([1, 2] as [Float]), requiresGrad: true)
            let b = Variable(Tensor([3, 4] as [Float]), requiresGrad: true)
            let y = Variable.record("pairOp", a.value + b.value, inputs: [a, b], derivative: "1, 1") { g, _ in [g] }
            y.sum().backward()
        }
        #expect(Self.message(result).contains("backward: 'pairOp' returned 1 gradient for 2 inputs"))
    }

    // MARK: Anomaly detection names the real source

    @Test func anomalyInTheCallersGradientIsNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withAnomalyDetection {
                let x = Variable(Tensor([0.5, 1] as [Float]), requiresGrad: true)
                x.tanh().backward(Tensor([1, .nan] as [Float]))
            }
        }
        let text = Self.message(result)
        #expect(text.contains("the gradient passed to backward contains NaN at flat index 1"))
        #expect(!text.contains("'tanh'"))
    }

    @Test func anomalyInAnInputIsNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withAnomalyDetection {
                let x = Variable(Tensor([0.5, .infinity] as [Float]), requiresGrad: true, label: "x")
                _ = x.exp()
            }
        }
        #expect(Self.message(result).contains("input 0 of 'exp', 'x', already contains +infinity at flat index 1"))
    }

    @Test func anomalyProducedByAnOperationIsStillBlamedOnIt() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withAnomalyDetection {
                let x = Variable(Tensor([0.5, 0] as [Float]), requiresGrad: true)
                x.log().sum().backward()
            }
        }
        #expect(Self.message(result).contains("forward of 'log' produced -infinity at flat index 1"))
    }
}
