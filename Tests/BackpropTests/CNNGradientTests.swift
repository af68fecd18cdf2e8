import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd

/// Convolution, pooling and the normalisation layers against central finite differences in
/// Double (`GradientCheck`), first order and, through the recorded backward graph, second
/// order (`runSecondOrder`), on odd sizes and stride, padding, dilation and group combinations.
@Suite struct CNNGradientTests {
    static func input(_ shape: [Int], _ seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor.uniform(shape, low: -1, high: 1, dtype: .float64, generator: &g)
    }

    static func expectGradients(_ shapes: [[Int]], secondOrder: Bool = true, _ f: @escaping ([Variable]) -> Variable,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let inputs = shapes.enumerated().map { input($0.element, UInt64($0.offset + 21)) }
        let first = GradientCheck.run(inputs: inputs, f)
        #expect(first.passed, "first order: \(first)", sourceLocation: sourceLocation)
        guard secondOrder else { return }
        let second = GradientCheck.runSecondOrder(inputs: inputs, f)
        #expect(second.passed, "second order: \(second)", sourceLocation: sourceLocation)
    }

    @Test func convolution() {
        Self.expectGradients([[2, 3, 5, 4], [2, 3, 3, 2], [2]]) { $0[0].conv2d($0[1], bias: $0[2]) }
        Self.expectGradients([[1, 4, 7, 6], [4, 2, 3, 3]]) {
            $0[0].conv2d($0[1], stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2)
        }
        // Depthwise (a channel multiplier of 2), stride 2, and "same" with an even kernel.
        Self.expectGradients([[2, 3, 5, 5], [6, 1, 3, 3]]) { $0[0].conv2d($0[1], stride: 2, padding: 1, groups: 3) }
        Self.expectGradients([[1, 2, 4, 5], [2, 2, 2, 4]]) { $0[0].conv2d($0[1], padding: .same) }
        // Through a nonlinearity, so second derivatives mix the input and the weight.
        Self.expectGradients([[2, 2, 4, 3], [3, 2, 2, 2]]) { $0[0].conv2d($0[1], padding: 1).tanh() }
    }

    @Test func chunkedBatchesEqualImageByImage() {
        // 40 images of 8 × 20 × 20 with a 5 × 5 kernel: the weight gradient sums the images in
        // 16 bundles of 2 or 3 (each summed in order, then the bundles in order).
        let x = Variable(Self.input([40, 8, 20, 20], 1), requiresGrad: true)
        let w = Variable(Self.input([4, 8, 5, 5], 2), requiresGrad: true)
        let geo = Conv2dGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 2, dilation: 1, groups: 1)
        #expect(ConvolutionKernels.weightGradientBundles(batch: geo.batch) == 16)
        let g = Self.input([40, 4, 20, 20], 3)
        let y = x.conv2d(w, padding: 2)
        y.backward(g)
        var weightGradient = Tensor.zeros(w.shape, dtype: .float64)
        for i in 0..<40 {
            let xi = Variable(x.value.slice(axis: 0, i..<(i + 1)), requiresGrad: true), wi = Variable(w.value, requiresGrad: true)
            let yi = xi.conv2d(wi, padding: 2)
            #expect(yi.value == y.value.slice(axis: 0, i..<(i + 1)))
            yi.backward(g.slice(axis: 0, i..<(i + 1)))
            #expect(xi.grad! == x.grad!.slice(axis: 0, i..<(i + 1)))
            weightGradient = weightGradient + wi.grad!
        }
        #expect((weightGradient - w.grad!).abs().max().item(as: Double.self) < 1e-11)
    }

    @Test func pooling() {
        // Random inputs have no ties, so max-pooling is differentiable at them.
        Self.expectGradients([[2, 3, 5, 7]]) { $0[0].maxPool2d(kernelSize: 2) }
        Self.expectGradients([[1, 2, 7, 6]]) { $0[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        Self.expectGradients([[2, 5, 6]]) { $0[0].maxPool2d(kernelSize: [2, 3], stride: [1, 2]).tanh() }
        Self.expectGradients([[2, 3, 5, 7]]) { $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        Self.expectGradients([[1, 2, 5, 7]]) {
            $0[0].avgPool2d(kernelSize: [3, 2], stride: [2, 3], padding: 1, countIncludePad: false).tanh()
        }
        Self.expectGradients([[2, 3, 7, 5]]) { $0[0].adaptiveAvgPool2d(outputSize: [3, 2]).tanh() }
    }

    @Test func normalisation() {
        Self.expectGradients([[3, 4, 3, 2], [4], [4]]) { v in
            let bn = BatchNorm2d(features: 4, dtype: .float64)
            bn.weight = v[1]
            bn.bias = v[2]
            return bn(v[0])
        }
        Self.expectGradients([[2, 6, 3, 2], [6], [6]]) { v in
            let norm = GroupNorm(groups: 3, channels: 6, dtype: .float64)
            norm.weight = v[1]
            norm.bias = v[2]
            return norm(v[0])
        }
    }

    @Test func maxPoolPropagatesNaNAndBreaksTiesByTheFirstElement() {
        let x = Variable(Tensor([1, 3, 3, 2, 0, .nan, 3, 1] as [Double], shape: [1, 1, 2, 4]), requiresGrad: true)
        let y = x.maxPool2d(kernelSize: 2)
        #expect(y.value[0, 0, 0, 0].isNaN)
        #expect(y.value[0, 0, 0, 1] == 3)
        y.sum().backward()
        // Window 1 holds 1, 3 / 0, NaN and picks the NaN; window 2 holds 3, 2 / 3, 1 and picks
        // the first 3, at (0, 2).
        #expect(x.grad!.scalars(as: Double.self) == [0, 0, 1, 0, 0, 1, 0, 0])
    }
}
