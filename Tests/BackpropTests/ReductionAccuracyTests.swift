import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropData

/// Reductions add accurately (in Double, pairwise), propagate NaN as PyTorch does, refuse
/// empty axes where there is no answer, and do not depend on the thread count. Before the
/// accurate sums, float32 sums added one element at a time: `ones([1 << 25]).sum()` was
/// 16777216 and the mean of 1e7 copies of 0.1 was 8.8% off.
@Suite struct ReductionAccuracyTests {
    @Test func float32SumsOfManySameSignElementsAreExact() {
        let ones = Tensor.ones([1 << 25])
        #expect(ones.sum().item(as: Double.self) == 33_554_432)
        #expect(ones.mean().item(as: Double.self) == 1)
        let tenths = Tensor.full([10_000_000], value: 0.1)
        let expected = 10_000_000 * Double(Float(0.1))
        #expect(Swift.abs(tenths.sum().item(as: Double.self) - expected) <= 1e-6 * expected)
        // Along an outer axis too (each column is summed down 1 << 24 rows).
        let columns = Tensor.ones([1 << 24, 2]).sum(axes: [0])
        #expect(columns.scalars(as: Double.self) == [16_777_216, 16_777_216])
        #expect(Tensor.ones([1 << 24, 2]).summed(toShape: [1, 2]).scalars(as: Double.self) == [16_777_216, 16_777_216])
    }

    @Test func standardizerAndMSEOnLargeOffsets() {
        // A feature around 1e6 with spread ±1: mean 1e6, population std 1 (was 999557 and 442.8).
        var values: [Float] = []
        for i in 0..<1_000_000 { values.append(1_000_000 + (i % 2 == 0 ? 1 : -1)) }
        let scaler = Standardizer(fitting: Tensor(values, shape: [1_000_000, 1]))
        #expect(scaler.mean.item(as: Double.self) == 1_000_000)
        #expect(Swift.abs(scaler.std.item(as: Double.self) - 1) < 1e-6)
        // mseLoss over 1M elements of (0.3 - 0)^2: float64 reference 0.09 (was 1.4% off).
        let loss = mseLoss(Variable(Tensor.full([1_000_000], value: 0.3)), Variable(Tensor.zeros([1_000_000])))
        let reference = Double(Float(0.3)) * Double(Float(0.3))
        #expect(Swift.abs(loss.item(as: Double.self) - reference) <= 1e-6 * reference)
    }

    /// Random float32 tensors (up to 1e7 elements, values around offsets up to 1e6) reduced over
    /// random axes; every result within 1e-6 of a float64 reference, relative to Σ|x|.
    @Test func everyReductionAgreesWithAFloat64Reference() {
        var rng = SplitMix64(seed: 2024)
        let sizes = [1, 7, 1000, 4099, 65_537, 1_000_003, 10_000_000]
        for (caseIndex, size) in sizes.enumerated() {
            let offset = [0, 1, 1e3, 1e6][caseIndex % 4] * (caseIndex % 2 == 0 ? 1 : -1)
            // Rank 1 for the small and the largest sizes, else [7, size / 7].
            let shape = caseIndex < 3 || size == 10_000_000 ? [size] : [7, size / 7]
            let count = shape.reduce(1, *)
            let values = (0..<count).map { _ in Float(offset + rng.nextUniform(-1, 1)) }
            let x = Tensor(values, shape: shape)
            let data = values.map(Double.init)
            for axes in (shape.count == 1 ? [[0]] : [[0], [1], [0, 1]]) {
                check(x, data, shape: shape, axes: axes, label: "case \(caseIndex) shape \(shape) axes \(axes)")
            }
        }
    }

    private func check(_ x: Tensor, _ data: [Double], shape: [Int], axes: [Int], label: String) {
        // The float64 reference: plain loops in Double over the same elements, viewed as
        // [rows, columns]; group g collects what the reduction puts into output g.
        let rows = shape[0], columns = shape.count == 2 ? shape[1] : 1
        let groupCount = axes == [0] ? columns : (axes == [1] ? rows : 1)
        var sum = [Double](repeating: 0, count: groupCount), scale = sum, n = sum
        var high = [Double](repeating: -.infinity, count: groupCount), low = [Double](repeating: .infinity, count: groupCount)
        for r in 0..<rows {
            for c in 0..<columns {
                let v = data[r * columns + c]
                let g = axes == [0] ? c : (axes == [1] ? r : 0)
                sum[g] += v; scale[g] += Swift.abs(v); n[g] += 1
                high[g] = Swift.max(high[g], v); low[g] = Swift.min(low[g], v)
            }
        }
        let sums = x.sum(axes: axes).scalars(as: Double.self)
        let means = x.mean(axes: axes).scalars(as: Double.self)
        let maxima = x.max(axes: axes).scalars(as: Double.self)
        let minima = x.min(axes: axes).scalars(as: Double.self)
        for g in 0..<groupCount {
            #expect(Swift.abs(sums[g] - sum[g]) <= 1e-6 * scale[g], "\(label): sum \(sums[g]) vs \(sum[g])")
            #expect(Swift.abs(means[g] - sum[g] / n[g]) <= 1e-6 * scale[g] / n[g], "\(label): mean")
            #expect(maxima[g] == high[g] && minima[g] == low[g], "\(label): max/min")
        }
    }

    /// PyTorch: `torch.tensor([1., nan, 3.]).sum()` is nan, `.max()` nan, `.min()` nan,
    /// `.argmax()` 1 (a NaN counts as the largest), per-row reductions only NaN in that row.
    @Test func nanPropagatesThroughEveryReduction() {
        let x = Tensor([1, .nan, 3, 4, 5, 6] as [Float], shape: [2, 3])
        for r in [x.sum(), x.mean(), x.max(), x.min(), x.logSumExp()] { #expect(r.item(as: Double.self).isNaN) }
        for r in [x.sum(axes: [1]), x.max(axes: [1]), x.min(axes: [1]), x.mean(axes: [1])] {
            let v = r.scalars(as: Double.self)
            #expect(v[0].isNaN && !v[1].isNaN)
        }
        #expect(x.argmax(axis: 1) == [1, 2])
        // NaN first, last, or after an infinity: still NaN.
        #expect(Tensor([.nan, 1] as [Float]).max().item(as: Double.self).isNaN)
        #expect(Tensor([.infinity, .nan] as [Float]).max().item(as: Double.self).isNaN)
        #expect(Tensor([-.infinity, .nan] as [Double]).min().item(as: Double.self).isNaN)
        #expect(x.softmax(axis: 1).scalars(as: Double.self)[0..<3].allSatisfy { $0.isNaN })
    }

    @Test func sumsAreBitIdenticalAcrossThreadCounts() {
        var rng = SplitMix64(seed: 9)
        let x = Tensor.uniform([300, 1001], low: -1, high: 1e4, generator: &rng)
        let saved = Threading.threadCount
        defer { Threading.threadCount = saved }
        Threading.threadCount = 1
        let one = [x.sum(), x.sum(axes: [0]), x.sum(axes: [1]), x.mean(axes: [0])].map { $0.scalars(as: Float.self) }
        Threading.threadCount = 4
        let four = [x.sum(), x.sum(axes: [0]), x.sum(axes: [1]), x.mean(axes: [0])].map { $0.scalars(as: Float.self) }
        #expect(one.map { $0.map(\.bitPattern) } == four.map { $0.map(\.bitPattern) })
    }

    /// PyTorch 2.x: `F.cross_entropy(torch.full((2, 40), 1e37), torch.tensor([1, 3]),
    /// label_smoothing=0.1)` = log(40) ≈ 3.6889 (all logits equal). The old form
    /// `lse - Σ q x` overflowed Σ x to inf and gave -inf.
    @Test func labelSmoothedCrossEntropyOnHugeLogits() {
        let loss = crossEntropy(Variable(Tensor.full([2, 40], value: 1e37)), classes: [1, 3], labelSmoothing: 0.1)
        #expect(Swift.abs(loss.item(as: Double.self) - Foundation.log(40.0)) < 1e-5)
        // Mixed magnitudes: [1e37, 0, -1e37], class 0, ε = 0.3: ℓ = ε/3 · (0 + 1e37 + 2e37) = 3e36
        // (PyTorch: 3.000000043527274e+36).
        let mixed = crossEntropy(Variable(Tensor([1e37, 0, -1e37] as [Float], shape: [1, 3])), classes: [0], labelSmoothing: 0.3)
        #expect(Swift.abs(mixed.item(as: Double.self) / 3e36 - 1) < 1e-6)
    }

    @Test func argmaxOfAnEmptyAxisIsAnError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 0]).argmax(axis: 1)
        }
        #expect(TrapMessageTests.message(result).contains("argmax: axis 1 of shape [3, 0] is empty, so it has no largest element"))
    }

    @Test func maxOfAnEmptyAxisIsAnError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([0, 2]).max(axes: [0])
        }
        #expect(TrapMessageTests.message(result).contains("max: cannot reduce an empty axis"))
    }
}
