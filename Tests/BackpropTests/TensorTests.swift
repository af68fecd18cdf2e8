import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

@Suite struct TensorTests {
    @Test func creationAndShape() {
        let t = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        #expect(t.shape == [2, 3])
        #expect(t.count == 6)
        #expect(t.dtype == .float32)
        #expect(t[1, 2] == 6)
        #expect(Tensor([1.0, 2.0]).dtype == .float32, "plain literals are float32, as in PyTorch")
        #expect(Tensor([1.0, 2.0] as [Double]).dtype == .float64)
        #expect(Tensor.zeros([2, 2]).scalars() == [0, 0, 0, 0])
        #expect(Tensor.ones([3]).scalars() == [1, 1, 1])
        #expect(Tensor.full([2], value: 7).scalars() == [7, 7])
        #expect(Tensor.arange(0, 5).scalars() == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars() == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.eye(2).scalars() == [1, 0, 0, 1])
        #expect(Tensor(3.5).shape == [])
    }

    /// An operand that varies along one axis only (a per-channel bias) takes its own loop; it must
    /// give what broadcasting element by element gives, for every position of that axis.
    @Test(arguments: [[1, 3, 1, 1], [3, 1, 1], [1, 1, 4, 1], [4, 1], [2, 1, 1, 1], [1, 1, 1, 5]])
    func singleAxisOperandBroadcastsAsEveryOther(bShape: [Int]) {
        var g = SplitMix64(seed: 21)
        let a = Tensor.normal([2, 3, 4, 5], generator: &g), b = Tensor.normal(bShape, generator: &g)
        let aligned = Array(repeating: 1, count: 4 - bShape.count) + bShape
        let bValues = b.scalars(as: Double.self)
        // b's flat offset of output position `index` (its size-1 axes broadcast).
        func bOffset(_ index: [Int]) -> Int {
            var offset = 0
            for k in 0..<4 { offset = offset * aligned[k] + (aligned[k] == 1 ? 0 : index[k]) }
            return offset
        }
        for (result, f) in [(a + b, { (x: Double, y: Double) in x + y }), (a * b, { $0 * $1 }), (a - b, { $0 - $1 })] {
            #expect(result.shape == [2, 3, 4, 5])
            for n in 0..<2 { for c in 0..<3 { for h in 0..<4 { for w in 0..<5 {
                let index = [n, c, h, w]
                let expected = Float(f(a[n, c, h, w], bValues[bOffset(index)]))
                #expect(Float(result[n, c, h, w]) == expected, "\(bShape) at \(index)")
            } } } }
        }
    }

    @Test func copyOnWrite() {
        let a = Tensor([1, 2, 3] as [Float])
        var b = a
        b[0] = 10
        #expect(a.scalars() == [1, 2, 3])
        #expect(b.scalars() == [10, 2, 3])
    }

    /// The first outputs of SplitMix64(0) and the draws WORKLOADS.md publishes.
    @Test func splitMix64MatchesPublishedValues() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xe220_a839_7b1d_cdaf)
        #expect(g.next() == 0x6e78_9e6a_a1b9_65f4)
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect(Tensor.uniform([5], generator: &a) == Tensor.uniform([5], generator: &b))
        // W1's first weights: Linear(784, 256) from SplitMix64(1), U(±1/sqrt(784)).
        var w = SplitMix64(seed: 1)
        let bound = 1 / Double(784).squareRoot()
        let first = (0..<4).map { _ in Float(w.nextUniform(-bound, bound)) }
        let published: [Float] = [0.00475439, 0.01755584, 0.03364305, -0.00397434]
        for (x, y) in zip(first, published) { #expect(Swift.abs(x - y) < 1e-7) }
    }

    @Test func normalDrawsHaveUnitMoments() {
        var g = SplitMix64(seed: 7)
        let t = Tensor.normal([20000], dtype: .float64, generator: &g)
        let mean = t.mean().item(as: Double.self)
        let variance = ((t - mean).squared()).mean().item(as: Double.self)
        #expect(Swift.abs(mean) < 0.03)
        #expect(Swift.abs(variance - 1) < 0.05)
    }

    @Test func broadcastingFollowsNumPyRules() {
        let a = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        #expect((a + Tensor([10, 20, 30] as [Float])).scalars() == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor([2, 3] as [Float], shape: [2, 1])).scalars() == [2, 4, 6, 12, 15, 18])
        let col = Tensor([1, 2] as [Float], shape: [2, 1]), row = Tensor([10, 20, 30] as [Float], shape: [1, 3])
        let outer = col + row
        #expect(outer.shape == [2, 3])
        #expect(outer.scalars() == [11, 21, 31, 12, 22, 32])
        let c = Tensor.ones([2, 1, 3]) - Tensor.ones([4, 1])
        #expect(c.shape == [2, 4, 3])
        #expect((a - 1).scalars() == [0, 1, 2, 3, 4, 5])
        #expect((12 / Tensor([3, 4] as [Float])).scalars() == [4, 3])
    }

    @Test func reductions() {
        let a = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        #expect(a.sum().item() == 21)
        #expect(a.sum(axes: [0]).scalars() == [5, 7, 9])
        #expect(a.sum(axes: [1]).scalars() == [6, 15])
        #expect(a.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(a.mean(axes: [-1]).scalars() == [2, 5])
        #expect(a.max(axes: [0]).scalars() == [4, 5, 6])
        #expect(a.min().item() == 1)
        #expect(a.argmax(axis: 1) == [2, 2])
        let b = Tensor.arange(0, 24).reshaped([2, 3, 4])
        #expect(b.sum(axes: [0, 2]).scalars() == [60, 92, 124])
        #expect(Tensor.ones([2, 3]).summed(toShape: [3]).scalars() == [2, 2, 2])
        #expect(Tensor.ones([2, 3]).summed(toShape: [2, 1]).scalars() == [3, 3])
    }

    @Test func softmaxAndLogSumExpAreStable() {
        let x = Tensor([1000, 1001, 1002, -1e4, 0, 1e4] as [Float], shape: [2, 3])
        let s = x.softmax(axis: 1)
        #expect(s.isFinite)
        // softmax([0, 1, 2]) by hand: e^k / (1 + e + e²).
        let z = 1 + 2.718281828459045 + 7.38905609893065
        #expect(s.slice(axis: 0, 0..<1).isApproximatelyEqual(to: Tensor([Float(1 / z), Float(2.718281828459045 / z), Float(7.38905609893065 / z)], shape: [1, 3])))
        #expect(s.slice(axis: 0, 1..<2).scalars() == [0, 0, 1])
        let lse = x.logSumExp(axes: [1])
        #expect(lse.isApproximatelyEqual(to: Tensor([Float(1002 + 0.40760596444438), 1e4], shape: [2]), rtol: 1e-6))
        #expect(x.logSoftmax(axis: 1).isFinite)
        #expect(Tensor.full([3], value: -.infinity).logSumExp().item() == -Float.infinity)
    }

    @Test func matmulVariants() {
        let a = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        let b = Tensor([7, 8, 9, 10, 11, 12] as [Float], shape: [3, 2])
        // By hand: [[1·7+2·9+3·11, 1·8+2·10+3·12], [4·7+5·9+6·11, 4·8+5·10+6·12]].
        #expect(a.matmul(b).scalars() == [58, 64, 139, 154])
        #expect(a.transposed().matmul(b.transposed(), transposeSelf: true, transposeOther: true).scalars() == [58, 64, 139, 154])
        #expect(a.matmul(a, transposeOther: true).scalars() == [14, 32, 32, 77])
        #expect(a.matmul(a, transposeSelf: true).shape == [3, 3])
        let batch = Tensor.stack([a, a * 2])
        let out = batch.matmul(b)
        #expect(out.shape == [2, 2, 2])
        #expect(out.scalars() == [58, 64, 139, 154, 116, 128, 278, 308])
    }

    @Test func shapeOperations() {
        let a = Tensor.arange(0, 6).reshaped([2, 3])
        #expect(a.transposed().scalars() == [0, 3, 1, 4, 2, 5])
        #expect(a.reshaped([3, -1]).shape == [3, 2])
        #expect(a.slice(axis: 1, 1..<3).scalars() == [1, 2, 4, 5])
        #expect(a.slice(axis: 1, 1..<3).padded(axis: 1, offset: 1, size: 3).scalars() == [0, 1, 2, 0, 4, 5])
        #expect(Tensor.concatenate([a, a], axis: 1).scalars() == [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        #expect(Tensor.stack([a, a], axis: 1).shape == [2, 2, 3])
        #expect(a.gatherRows([1, 1, 0]).scalars() == [3, 4, 5, 3, 4, 5, 0, 1, 2])
        #expect(Tensor.ones([3, 2]).scatterAddRows([1, 1, 0], rows: 2).scalars() == [1, 1, 2, 2])
        #expect(Tensor.arange(0, 24).reshaped([2, 3, 4]).permuted([2, 0, 1]).shape == [4, 2, 3])
        #expect(Tensor.arange(0, 24).reshaped([2, 3, 4]).permuted([2, 0, 1])[1, 1, 2] == 21)
    }

    @Test func descriptionIsReadable() {
        // PyTorch: print(torch.tensor([[1, 2.5], [3, 4]])); the full set is in TensorPrintingTests.
        #expect(Tensor([1, 2.5, 3, 4] as [Float], shape: [2, 2]).description == "tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])")
        let big = Tensor.arange(0, 100).description
        #expect(!big.contains("..."), "only tensors of more than 1000 elements are summarised")
        #expect(Tensor.arange(0, 1001).description.contains("...,"))
    }
}
