import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Results must not depend on `Threading.threadCount`: kernels split work in fixed chunks and
/// never split one sum's order by thread count. Each check runs the same computation with 1
/// and 2 threads, on sizes large enough to take the multi-threaded paths, and demands
/// bit-identical results.
@Suite(.serialized) struct DeterminismTests {
    /// `body` run with 1 thread and with 2 threads.
    func withOneAndTwoThreads(_ body: () -> [Float]) -> (one: [Float], two: [Float]) {
        let saved = Threading.threadCount
        defer { Threading.threadCount = saved }
        Threading.threadCount = 1
        let one = body()
        Threading.threadCount = 2
        let two = body()
        return (one, two)
    }

    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor.uniform(shape, low: -1, high: 1, generator: &g)
    }

    @Test func elementwiseAndBroadcasting() {
        let a = random([384, 512], seed: 1), b = random([384, 512], seed: 2), row = random([512], seed: 3)
        let r = withOneAndTwoThreads {
            ((a * b + row).tanh() - a.exp() / (b.abs() + 1)).relu().scalars(as: Float.self)
        }
        #expect(r.one == r.two)
    }

    @Test func reductionsAndSoftmax() {
        let a = random([384, 512], seed: 4)
        let r = withOneAndTwoThreads {
            a.sum().scalars(as: Float.self) + a.sum(axes: [0]).scalars(as: Float.self)
                + a.mean(axes: [1]).scalars(as: Float.self) + a.max(axes: [1]).scalars(as: Float.self)
                + a.softmax(axis: 1).scalars(as: Float.self) + a.logSoftmax(axis: 0).scalars(as: Float.self)
        }
        #expect(r.one == r.two)
    }

    @Test func matrixProducts() {
        let a = random([256, 300], seed: 5), b = random([300, 200], seed: 6), c = random([200, 300], seed: 7)
        let r = withOneAndTwoThreads {
            a.matmul(b).scalars(as: Float.self) + a.matmul(c, transposeOther: true).scalars(as: Float.self)
                + a.matmul(a, transposeSelf: true).scalars(as: Float.self)
        }
        #expect(r.one == r.two)
    }

    @Test func trainingSteps() {
        let x = random([256, 64], seed: 8)
        let labels = (0..<256).map { $0 % 10 }
        var oneHot = [Float](repeating: 0, count: 256 * 10)
        for (i, y) in labels.enumerated() { oneHot[i * 10 + y] = 1 }
        let target = Tensor(oneHot, shape: [256, 10])
        let r = withOneAndTwoThreads {
            var g = SplitMix64(seed: 9)
            let w1 = Variable(Tensor.uniform([512, 64], low: -0.125, high: 0.125, generator: &g), requiresGrad: true)
            let b1 = Variable(Tensor.uniform([512], low: -0.125, high: 0.125, generator: &g), requiresGrad: true)
            let w2 = Variable(Tensor.uniform([10, 512], low: -0.05, high: 0.05, generator: &g), requiresGrad: true)
            var losses: [Float] = []
            for _ in 0..<3 {
                let h = (Variable(x).matmul(w1, transposeOther: true) + b1).relu()
                let logits = h.matmul(w2, transposeOther: true)
                let loss = -(logits.logSoftmax(axis: 1).multiplied(byConstant: target)).sum() * (1.0 / 256)
                for p in [w1, b1, w2] { p.zeroGrad() }
                loss.backward()
                for p in [w1, b1, w2] { p.value = p.value - p.grad! * 0.1 }
                losses.append(loss.item())
            }
            return losses + w1.value.scalars(as: Float.self) + b1.value.scalars(as: Float.self) + w2.value.scalars(as: Float.self)
        }
        #expect(r.one == r.two)
    }
}
