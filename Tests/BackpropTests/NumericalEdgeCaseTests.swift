import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Extreme inputs: values stay finite and exact where the math allows, and gradients at the
/// edges of a function's domain follow PyTorch's conventions.
@Suite struct NumericalEdgeCaseTests {
    func gradient(_ x: [Float], _ f: (Variable) -> Variable) -> [Float] {
        let v = Variable(Tensor(x), requiresGrad: true)
        f(v).sum().backward()
        return v.grad!.scalars()
    }

    @Test func softmaxFamilyAtHugeMagnitudes() {
        let x = Tensor([1e4, -1e4, 0, 3e4] as [Float], shape: [1, 4])
        let s = x.softmax()
        #expect(s.scalars() == [0, 0, 0, 1])
        // (x - max) - log Σ e^(x - max): finite even where e^(x - max) underflows to 0.
        #expect(x.logSoftmax().scalars() == [-2e4, -4e4, -3e4, 0])
    }

    @Test func logSoftmaxIsExactForLargeLogits() {
        // log-softmax is x - max - log Σ e^(x - max): exact differences, no log(0).
        let x = Tensor([1e4, 1e4 - 1, -1e4] as [Float], shape: [1, 3])
        let ls = x.logSoftmax().scalars()
        let log1e = Float(1.31326168751822)   // log(1 + e^-1) + 1 by hand
        #expect(Swift.abs(ls[0] - -(log1e - 1)) < 1e-5)
        #expect(Swift.abs(ls[1] - -log1e) < 1e-5)
        #expect(ls[2] == -2e4 - (log1e - 1))
        let g = gradient([1e4, 1e4 - 1, -1e4]) { $0.reshaped([1, 3]).logSoftmax() }
        #expect(g.allSatisfy { $0.isFinite })
    }

    @Test func logSumExpAndSigmoidAtHugeInputs() {
        #expect(Tensor([1e4, 1e4] as [Float]).logSumExp().item() == Float(1e4) + Float(0.6931472))
        #expect(Tensor([-1e4, 1e4, 0] as [Float]).sigmoid().scalars() == [0, 1, 0.5])
        #expect(gradient([-1e4, 1e4, 0]) { $0.sigmoid() } == [0, 0, 0.25])
        #expect(gradient([-1e4, 1e4]) { $0.tanh() } == [0, 0])
        #expect(gradient([1e4, 1e4]) { $0.logSumExp() } == [0.5, 0.5])
        #expect(gradient([-1e4, 50]) { $0.softplus() } == [0, 1])
    }

    @Test func gradientsAtZeroFollowPyTorch() {
        // sqrt'(0) = 1/(2·0) = inf; log'(0) = 1/0 = inf (PyTorch gives inf, not NaN).
        #expect(gradient([0]) { $0.sqrt() } == [.infinity])
        #expect(gradient([0]) { $0.log() } == [.infinity])
        // pow at 0: p = 2 → 0, p = 0 → 0 (not 0 · 0^-1), p = 0.5 → inf, p = 1 → 1.
        #expect(gradient([0]) { $0.pow(2) } == [0])
        #expect(gradient([0]) { $0.pow(0) } == [0])
        #expect(gradient([0]) { $0.pow(0.5) } == [.infinity])
        #expect(gradient([0]) { $0.pow(1) } == [1])
        // abs, relu, clamp at their kinks: sign(0) = 0, relu'(0) = 0, clamp' at the bound = 1.
        #expect(gradient([0]) { $0.abs() } == [0])
        #expect(gradient([0]) { $0.relu() } == [0])
        #expect(gradient([0, 1]) { $0.clamped(min: 0, max: 1) } == [1, 1])
        // a^b with a = 0: ∂/∂b is 0 rather than 0 · log 0 = NaN.
        let a = Variable(Tensor([0, 2] as [Float]), requiresGrad: true)
        let b = Variable(Tensor([2, 3] as [Float]), requiresGrad: true)
        a.pow(b).sum().backward()
        #expect(b.grad!.scalars()[0] == 0)
        #expect(Swift.abs(b.grad!.scalars()[1] - 8 * Float(0.6931472)) < 1e-5)
    }
}
