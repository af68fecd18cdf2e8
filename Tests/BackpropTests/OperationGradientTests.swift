import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Every differentiable operation against central finite differences in Double
/// (`GradientCheck`, like `torch.autograd.gradcheck`), broadcasting cases included.
@Suite struct OperationGradientTests {
    /// Deterministic test inputs in [lo, hi).
    static func input(_ shape: [Int], _ seed: UInt64, _ lo: Double = -2, _ hi: Double = 2) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor.uniform(shape, low: lo, high: hi, dtype: .float64, generator: &g)
    }

    static func expectGradient(_ shapes: [[Int]], range: (Double, Double) = (-2, 2), _ f: @escaping ([Variable]) -> Variable,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let inputs = shapes.enumerated().map { input($0.element, UInt64($0.offset + 11), range.0, range.1) }
        let result = GradientCheck.run(inputs: inputs, f)
        #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
    }

    @Test func arithmeticWithBroadcasting() {
        Self.expectGradient([[2, 3], [2, 3]]) { $0[0] + $0[1] }
        Self.expectGradient([[2, 3], [3]]) { $0[0] + $0[1] }
        Self.expectGradient([[2, 1], [1, 3]]) { $0[0] - $0[1] }
        Self.expectGradient([[4, 2, 3], [2, 1]]) { $0[0] * $0[1] }
        Self.expectGradient([[2, 3], [3]], range: (0.5, 2)) { $0[0] / $0[1] }
        Self.expectGradient([[3], []]) { $0[0] * $0[1] }
        Self.expectGradient([[2, 2]]) { -$0[0] }
        Self.expectGradient([[2, 2]], range: (0.5, 2)) { 3 / $0[0] + $0[0] * 2 - 1 }
    }

    @Test func powers() {
        Self.expectGradient([[5]], range: (0.5, 2)) { $0[0].pow(3.5) }
        Self.expectGradient([[5]]) { $0[0].pow(2) }
        Self.expectGradient([[5]]) { $0[0].pow(3) }
        Self.expectGradient([[2, 3], [3]], range: (0.5, 2)) { $0[0].pow($0[1]) }
    }

    @Test func elementFunctions() {
        Self.expectGradient([[2, 3]]) { $0[0].exp() }
        Self.expectGradient([[2, 3]], range: (0.2, 3)) { $0[0].log() }
        Self.expectGradient([[2, 3]], range: (0.2, 3)) { $0[0].sqrt() }
        Self.expectGradient([[2, 3]], range: (0.1, 2)) { ($0[0] - 1).abs() }
        Self.expectGradient([[2, 3]]) { $0[0].erf() }
    }

    @Test func activations() {
        Self.expectGradient([[3, 4]]) { $0[0].tanh() }
        Self.expectGradient([[3, 4]]) { $0[0].sigmoid() }
        Self.expectGradient([[3, 4]]) { $0[0].relu() }
        Self.expectGradient([[3, 4]]) { $0[0].leakyRelu(negativeSlope: 0.1) }
        Self.expectGradient([[3, 4]]) { $0[0].gelu() }
        Self.expectGradient([[3, 4]]) { $0[0].gelu(approximate: true) }
        Self.expectGradient([[3, 4]]) { $0[0].softplus() }
        Self.expectGradient([[3, 4]]) { ($0[0] * 15).softplus(beta: 2, threshold: 20) }
        Self.expectGradient([[3, 4]]) { $0[0].elu(alpha: 0.7) }
        Self.expectGradient([[3, 4]]) { $0[0].clamped(min: -1, max: 0.5) }
    }

    @Test func reductions() {
        Self.expectGradient([[2, 3, 4]]) { $0[0].sum() }
        Self.expectGradient([[2, 3, 4]]) { $0[0].sum(axes: [1]) }
        Self.expectGradient([[2, 3, 4]]) { $0[0].sum(axes: [0, 2], keepDims: true) }
        Self.expectGradient([[2, 3, 4]]) { $0[0].mean(axes: [-1]) }
        Self.expectGradient([[2, 3, 4]]) { $0[0].mean() }
        Self.expectGradient([[2, 3, 4]]) { $0[0].max(axes: [1]) }
        Self.expectGradient([[2, 3]]) { $0[0].max() }
        Self.expectGradient([[2, 3, 4]]) { $0[0].logSumExp(axes: [2]) }
        Self.expectGradient([[2, 3, 4]]) { $0[0].logSumExp(axes: [0, 1], keepDims: true) }
        Self.expectGradient([[3, 5]]) { $0[0].softmax(axis: 1) }
        Self.expectGradient([[3, 5]]) { $0[0].softmax(axis: 0) }
        Self.expectGradient([[3, 5]]) { $0[0].logSoftmax(axis: -1) }
    }

    @Test func matrixProducts() {
        Self.expectGradient([[3, 4], [4, 2]]) { $0[0].matmul($0[1]) }
        Self.expectGradient([[4, 3], [4, 2]]) { $0[0].matmul($0[1], transposeSelf: true) }
        Self.expectGradient([[3, 4], [2, 4]]) { $0[0].matmul($0[1], transposeOther: true) }
        Self.expectGradient([[4, 3], [2, 4]]) { $0[0].matmul($0[1], transposeSelf: true, transposeOther: true) }
        Self.expectGradient([[2, 3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) }
        Self.expectGradient([[2, 3, 4], [4, 5]]) { $0[0].matmul($0[1]) }
        Self.expectGradient([[2, 3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeOther: true) }
    }

    @Test func shapeOperations() {
        Self.expectGradient([[2, 3]]) { $0[0].transposed() }
        Self.expectGradient([[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) }
        Self.expectGradient([[2, 6]]) { $0[0].reshaped([3, -1]) }
        Self.expectGradient([[2, 3], [2, 2]]) { Variable.concatenate([$0[0], $0[1]], axis: 1) }
        Self.expectGradient([[2, 3], [2, 3]]) { Variable.stack([$0[0], $0[1]], axis: 1) }
        Self.expectGradient([[4, 3]]) { $0[0].slice(axis: 0, 1..<3) }
        Self.expectGradient([[2, 3]]) { $0[0].padded(axis: 1, offset: 1, size: 5) }
        Self.expectGradient([[4, 3]]) { $0[0].gatherRows([3, 0, 3, 1]) }
        Self.expectGradient([[3, 2]]) { $0[0].scatterAddRows([1, 1, 0], rows: 4) }
        Self.expectGradient([[2, 3]]) { $0[0].broadcast(to: [4, 2, 3]) }
        Self.expectGradient([[4, 2, 3]]) { $0[0].summed(toShape: [2, 1]) }
    }

    @Test func composedNetwork() {
        // A two-layer network with a softmax cross-entropy written from primitives.
        Self.expectGradient([[4, 3], [3, 5], [5], [5, 2]]) { v in
            let h = (v[0].matmul(v[1]) + v[2]).tanh()
            let logits = h.matmul(v[3])
            return -(logits.logSoftmax(axis: 1).slice(axis: 1, 0..<1)).mean()
        }
    }

    /// A user-defined operation with its own derivative, as docs/custom-operations.md shows.
    @Test func customOperation() {
        Self.expectGradient([[3, 2]]) { $0[0].cube() }
        Self.expectGradient([[3, 2]]) { ($0[0].cube() * 0.5).sum() }
    }

    /// The checker itself must catch a wrong derivative.
    @Test func checkerRejectsAWrongDerivative() {
        let inputs = [Self.input([4], 3)]
        let result = GradientCheck.run(inputs: inputs) { v in
            Variable.record("wrongSquare", v[0].value * v[0].value, inputs: [v[0]], derivative: "wrong: 3x") { g, _ in
                [g * v[0] * 3]
            }
        }
        #expect(!result.passed)
    }

    /// Second derivatives: gradients of gradients, through every kind of op.
    @Test func secondOrder() {
        func check(_ shapes: [[Int]], range: (Double, Double) = (-1.5, 1.5), _ f: @escaping ([Variable]) -> Variable,
                   sourceLocation: SourceLocation = #_sourceLocation) {
            let inputs = shapes.enumerated().map { Self.input($0.element, UInt64($0.offset + 5), range.0, range.1) }
            let result = GradientCheck.runSecondOrder(inputs: inputs, f)
            #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
        }
        check([[3]]) { $0[0].tanh().sum() }
        check([[2, 3]]) { $0[0].tanh() * $0[0] }   // a non-scalar output is summed first
        check([[3]]) { $0[0].sigmoid().sum() }
        check([[3]]) { ($0[0] * $0[0] * $0[0]).sum() }
        check([[3]], range: (0.5, 2)) { $0[0].log().sum() + $0[0].sqrt().sum() + (1 / $0[0]).sum() }
        check([[3]]) { $0[0].exp().sum() }
        check([[4]]) { $0[0].gelu().sum() + $0[0].gelu(approximate: true).sum() }
        check([[4]]) { $0[0].softplus().sum() + $0[0].elu().sum() }
        check([[2, 3]]) { $0[0].logSumExp(axes: [1]).sum() }
        check([[2, 3]]) { ($0[0].softmax(axis: 1) * $0[0]).sum() }
        check([[2, 3]]) { ($0[0].logSoftmax(axis: 1) * $0[0]).sum() }
        check([[2, 3], [3, 2]]) { ($0[0].matmul($0[1]).tanh()).sum() }
        check([[3], [3]], range: (0.5, 1.5)) { $0[0].pow($0[1]).sum() }
    }
}

extension Variable {
    /// `x³`, a custom operation: `d x³/dx = 3x²`.
    func cube() -> Variable {
        Variable.record("cube", value * value * value, inputs: [self], derivative: "d x³/dx = 3x²") { g, _ in
            [g * 3 * self * self]
        }
    }
}
