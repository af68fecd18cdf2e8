import Foundation
import Testing
@testable import Backprop

/// The operations with a fused fast path (tanh, sigmoid, relu, sum, `x * x`) give exactly the
/// gradients of their rule: `backward()` takes the fast path, `backward(createGraph: true)`
/// the rule. Second derivatives go through the rule and are checked by finite differences.
/// Each elementwise operation's `derivative` text is checked against its gradient.
@Suite struct FastPathTests {
    /// The operations that declare a fast path, each on a variable.
    static let fused: [(String, @Sendable (Variable) -> Variable)] = [
        ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }), ("relu", { $0.relu() }),
        ("sum", { $0.sum() }), ("sum over axis 1", { $0.sum(axes: [1]) }),
        ("sum over axis 0, kept", { $0.sum(axes: [0], keepDims: true) }), ("x * x", { $0 * $0 }),
    ]

    /// Inputs with every kind of element: ordinary, zero, NaN and infinite.
    static func input(_ dtype: DType) -> Tensor {
        var generator = SplitMix64(seed: 7)
        var values = Tensor.uniform([4, 5], low: -3, high: 3, dtype: .float64, generator: &generator).scalars(as: Double.self)
        values[0] = 0; values[1] = .nan; values[2] = .infinity; values[3] = -.infinity; values[4] = -0.0
        return Tensor(values, shape: [4, 5]).converted(to: dtype)
    }

    /// The gradient of `Σ w ⊙ f(x)` by the fast path (`createGraph` false) or the rule (true).
    static func gradient(_ f: (Variable) -> Variable, at x: Tensor, createGraph: Bool) -> [UInt64] {
        let v = Variable(x, requiresGrad: true)
        let y = f(v)
        var generator = SplitMix64(seed: 3)
        let weights = Tensor.uniform(y.shape, low: -2, high: 2, dtype: x.dtype, generator: &generator)
        y.backward(weights, createGraph: createGraph)
        // Bit patterns, except that every NaN is one (a NaN's sign bit means nothing).
        return v.grad!.scalars(as: Double.self).map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern }
    }

    @Test(arguments: [DType.float32, .float64])
    func fastPathEqualsTheRuleBitForBit(dtype: DType) {
        let x = Self.input(dtype)
        for (name, f) in Self.fused {
            #expect(f(Variable(x, requiresGrad: true)).creator!.hasFastPath, "\(name) has no fast path")
            let fast = Self.gradient(f, at: x, createGraph: false)
            let rule = Self.gradient(f, at: x, createGraph: true)
            #expect(fast == rule, "\(name) (\(dtype)): the fast path and the rule differ")
        }
    }

    @Test func secondDerivativesThroughTheRule() {
        var generator = SplitMix64(seed: 5)
        // Away from relu's kink, where finite differences are meaningless.
        let x = Tensor.uniform([3, 4], low: 0.2, high: 1.5, dtype: .float64, generator: &generator) * Tensor([1, -1, 1, -1] as [Double], shape: [4])
        for (name, f) in Self.fused {
            let result = GradientCheck.runSecondOrder(inputs: [x]) { v in f(v[0]) * f(v[0]) }
            #expect(result.passed, "\(name): \(result)")
        }
    }

    @Test func onlyTheListedOperationsHaveAFastPath() {
        let x = Variable(Self.input(.float64), requiresGrad: true), y = Variable(Self.input(.float64), requiresGrad: true)
        let others: [(String, Variable)] = [
            ("exp", x.exp()), ("log", x.log()), ("x * y", x * y), ("x + y", x + y), ("gelu", x.gelu()),
            ("elu", x.elu()), ("softplus", x.softplus()), ("leakyRelu", x.leakyRelu()), ("mean", x.mean()),
            ("max", x.max()), ("softmax", x.softmax()), ("matmul", x.matmul(y, transposeOther: true)),
        ]
        for (name, output) in others { #expect(!output.creator!.hasFastPath, "\(name) has an undeclared fast path") }
    }

    /// Each operation's `derivative` text, and the same formula in code: the text must be the
    /// operation's, and the formula must give the operation's gradient.
    static let derivatives: [(String, String, @Sendable (Variable) -> Variable, @Sendable (Double) -> Double)] = [
        ("tanh", "d tanh(x)/dx = 1 - tanh(x)²", { $0.tanh() }, { 1 - Foundation.tanh($0) * Foundation.tanh($0) }),
        ("sigmoid", "d σ(x)/dx = σ(x)(1 - σ(x))", { $0.sigmoid() }, { let s = 1 / (1 + Foundation.exp(-$0)); return s * (1 - s) }),
        ("relu", "d relu(x)/dx = 0 if x <= 0 else 1", { $0.relu() }, { $0 <= 0 ? 0 : 1 }),
        ("leakyRelu", "d leakyRelu(x)/dx = 1 if x > 0 else 0.01", { $0.leakyRelu() }, { $0 > 0 ? 1 : 0.01 }),
        ("elu", "d elu(x)/dx = α e^x if x <= 0 else 1", { $0.elu() }, { $0 <= 0 ? Foundation.exp($0) : 1 }),
        ("softplus", "d softplus(x)/dx = σ(βx)", { $0.softplus() }, { 1 / (1 + Foundation.exp(-$0)) }),
        ("gelu", "d gelu(x)/dx = Φ(x) + x φ(x)", { $0.gelu() },
         { (1 + Foundation.erf($0 / 2.0.squareRoot())) / 2 + $0 * Foundation.exp(-$0 * $0 / 2) / (2 * Double.pi).squareRoot() }),
        ("exp", "d e^x/dx = e^x", { $0.exp() }, { Foundation.exp($0) }),
        ("log", "d ln(x)/dx = 1/x", { $0.log() }, { 1 / $0 }),
        ("sqrt", "d sqrt(x)/dx = 1/(2 sqrt(x))", { $0.sqrt() }, { 1 / (2 * $0.squareRoot()) }),
        ("abs", "d|x|/dx = sign(x)", { $0.abs() }, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        ("erf", "d erf(x)/dx = 2/sqrt(pi) e^(-x²)", { $0.erf() }, { 2 / Double.pi.squareRoot() * Foundation.exp(-$0 * $0) }),
        ("clamp", "d clamp(x)/dx = 1 if low <= x <= high else 0", { $0.clamped(min: -1, max: 1) }, { $0 >= -1 && $0 <= 1 ? 1 : 0 }),
        ("pow", "d x^p/dx = p x^(p-1)", { $0.pow(3) }, { 3 * $0 * $0 }),
    ]

    @Test func derivativeTextsMatchTheCode() {
        let points: [Double] = [-2.5, -0.7, -0.1, 0.3, 0.9, 2.2]
        for (name, text, f, formula) in Self.derivatives {
            let x = Variable(Tensor(points.map { Swift.abs($0) }, shape: [points.count]), requiresGrad: true)
            let signed = name == "log" || name == "sqrt" ? x : Variable(Tensor(points, shape: [points.count]), requiresGrad: true)
            let y = f(signed)
            #expect(y.creator?.name == name && y.creator?.derivative == text, "\(name): \(y.creator?.derivative ?? "no operation")")
            y.sum().backward()
            let got = signed.grad!.scalars(as: Double.self)
            let expected = signed.value.scalars(as: Double.self).map(formula)
            for (g, e) in zip(got, expected) { #expect(Swift.abs(g - e) <= 1e-12 * Swift.max(1, Swift.abs(e)), "\(name): \(g) vs \(e)") }
        }
    }
}
