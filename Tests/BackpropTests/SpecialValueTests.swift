import Foundation
import Testing
import Backprop

/// Every elementwise operation at NaN, ±infinity, 0 and ±1 (and every pair of NaN, ±infinity
/// and 1 for two-operand ones), values and gradients, against PyTorch 2.15 (CPU, float64), in
/// float64 and float32 (finite values within float32 rounding). The table below is this
/// script's output, pasted unchanged:
/// ```python
/// import math, torch
/// points = [math.nan, math.inf, -math.inf, 0.0, 1.0, -1.0]
/// unary = [  # (name, torch function)
///     ("exp", torch.exp), ("log", torch.log), ("sqrt", torch.sqrt), ("abs", torch.abs),
///     ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu),
///     ("leakyRelu", lambda x: torch.nn.functional.leaky_relu(x, 0.01)),
///     ("gelu", torch.nn.functional.gelu), ("geluTanh", lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
///     ("softplus", torch.nn.functional.softplus), ("elu", torch.nn.functional.elu),
///     ("clamp", lambda x: torch.clamp(x, -0.5, 0.5)), ("erf", torch.erf), ("neg", torch.neg),
///     ("square", lambda x: x ** 2), ("cube", lambda x: x ** 3), ("pow0.5", lambda x: x ** 0.5),
///     ("scale", lambda x: x * 2), ("shift", lambda x: x + 1), ("reciprocal", lambda x: 1 / x),
///     ("sign", torch.sign), ("greater0", lambda x: (x > 0).to(x.dtype)),
/// ]
/// pairs = [(a, b) for a in [math.nan, math.inf, -math.inf, 1.0] for b in [math.nan, math.inf, -math.inf, 1.0]]
/// binary = [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div), ("pow", torch.pow),
///           ("maximum", torch.maximum), ("minimum", torch.minimum), ("equal", lambda a, b: (a == b).to(a.dtype))]
/// def lit(v):
///     return ".nan" if math.isnan(v) else (".infinity" if v == math.inf else ("-.infinity" if v == -math.inf else repr(v)))
/// def row(vs): return "[" + ", ".join(lit(v) for v in vs) + "]"
/// print("    static let points: [Double] = " + row(points))
/// print("    static let pairs: [(Double, Double)] = [" + ", ".join(f"({lit(a)}, {lit(b)})" for a, b in pairs) + "]")
/// for dtype in [torch.float64]:
///     print("    /// (operation, values, gradients) at `points`.")
///     print("    static let unary: [(String, [Double], [Double])] = [")
///     for op, f in unary:
///         x = torch.tensor(points, dtype=dtype, requires_grad=True)
///         y = f(x)
///         grads = [math.nan] * len(points)
///         if y.requires_grad:
///             y.sum().backward(); grads = x.grad.tolist()
///         print(f'        ("{op}", {row(y.tolist())}, {row(grads)}),')
///     print("    ]")
///     print("    /// (operation, values, gradient by a, gradient by b) at `pairs`.")
///     print("    static let binary: [(String, [Double], [Double], [Double])] = [")
///     for op, f in binary:
///         a = torch.tensor([p[0] for p in pairs], dtype=dtype, requires_grad=True)
///         b = torch.tensor([p[1] for p in pairs], dtype=dtype, requires_grad=True)
///         y = f(a, b)
///         ga = gb = [math.nan] * len(pairs)
///         if y.requires_grad:
///             y.sum().backward(); ga, gb = a.grad.tolist(), b.grad.tolist()
///         print(f'        ("{op}", {row(y.tolist())}, {row(ga)}, {row(gb)}),')
///     print("    ]")
/// ```
/// A gradient of NaN for every point marks an operation PyTorch does not differentiate.
@Suite struct SpecialValueTests {
    static let points: [Double] = [.nan, .infinity, -.infinity, 0.0, 1.0, -1.0]
    static let pairs: [(Double, Double)] = [(.nan, .nan), (.nan, .infinity), (.nan, -.infinity), (.nan, 1.0), (.infinity, .nan), (.infinity, .infinity), (.infinity, -.infinity), (.infinity, 1.0), (-.infinity, .nan), (-.infinity, .infinity), (-.infinity, -.infinity), (-.infinity, 1.0), (1.0, .nan), (1.0, .infinity), (1.0, -.infinity), (1.0, 1.0)]
    /// (operation, values, gradients) at `points`.
    static let unary: [(String, [Double], [Double])] = [
        ("exp", [.nan, .infinity, 0.0, 1.0, 2.718281828459045, 0.36787944117144233], [.nan, .infinity, 0.0, 1.0, 2.718281828459045, 0.36787944117144233]),
        ("log", [.nan, .infinity, .nan, -.infinity, 0.0, .nan], [.nan, 0.0, -0.0, .infinity, 1.0, -1.0]),
        ("sqrt", [.nan, .infinity, .nan, 0.0, 1.0, .nan], [.nan, 0.0, .nan, .infinity, 0.5, .nan]),
        ("abs", [.nan, .infinity, .infinity, 0.0, 1.0, 1.0], [0.0, 1.0, -1.0, 0.0, 1.0, -1.0]),
        ("tanh", [.nan, 1.0, -1.0, 0.0, 0.7615941559557649, -0.7615941559557649], [.nan, 0.0, 0.0, 1.0, 0.41997434161402614, 0.41997434161402614]),
        ("sigmoid", [.nan, 1.0, 0.0, 0.5, 0.7310585786300049, 0.2689414213699951], [.nan, 0.0, 0.0, 0.25, 0.19661193324148185, 0.19661193324148185]),
        ("relu", [.nan, .infinity, 0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0, 1.0, 0.0]),
        ("leakyRelu", [.nan, .infinity, -.infinity, 0.0, 1.0, -0.01], [0.01, 1.0, 0.01, 0.01, 1.0, 0.01]),
        ("gelu", [.nan, .infinity, .nan, 0.0, 0.841344746068543, -0.15865525393145702], [.nan, .nan, .nan, 0.5, 1.0833154705876864, -0.08331547058768635]),
        ("geluTanh", [.nan, .infinity, .nan, 0.0, 0.8411919906082768, -0.15880800939172324], [.nan, .nan, .nan, 0.5, 1.0829640838457826, -0.08296408384578252]),
        ("softplus", [.nan, .infinity, 0.0, 0.6931471805599453, 1.3132616875182228, 0.31326168751822286], [.nan, 1.0, 0.0, 0.5, 0.7310585786300049, 0.2689414213699951]),
        ("elu", [.nan, .infinity, -1.0, 0.0, 1.0, -0.6321205588285577], [1.0, 1.0, 0.0, 1.0, 1.0, 0.36787944117144233]),
        ("clamp", [.nan, 0.5, -0.5, 0.0, 0.5, -0.5], [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
        ("erf", [.nan, 1.0, -1.0, 0.0, 0.8427007929497149, -0.8427007929497149], [.nan, 0.0, 0.0, 1.1283791670955126, 0.4151074974205947, 0.4151074974205947]),
        ("neg", [.nan, -.infinity, .infinity, -0.0, -1.0, 1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]),
        ("square", [.nan, .infinity, .infinity, 0.0, 1.0, 1.0], [.nan, .infinity, -.infinity, 0.0, 2.0, -2.0]),
        ("cube", [.nan, .infinity, -.infinity, 0.0, 1.0, -1.0], [.nan, .infinity, .infinity, 0.0, 3.0, 3.0]),
        ("pow0.5", [.nan, .infinity, .nan, 0.0, 1.0, .nan], [.nan, 0.0, .nan, .infinity, 0.5, .nan]),
        ("scale", [.nan, .infinity, -.infinity, 0.0, 2.0, -2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0]),
        ("shift", [.nan, .infinity, -.infinity, 1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
        ("reciprocal", [.nan, 0.0, -0.0, .infinity, 1.0, -1.0], [.nan, -0.0, -0.0, -.infinity, -1.0, -1.0]),
        ("sign", [0.0, 1.0, -1.0, 0.0, 1.0, -1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        ("greater0", [0.0, 1.0, 0.0, 0.0, 1.0, 0.0], [.nan, .nan, .nan, .nan, .nan, .nan]),
    ]
    /// (operation, values, gradient by a, gradient by b) at `pairs`.
    static let binary: [(String, [Double], [Double], [Double])] = [
        ("add", [.nan, .nan, .nan, .nan, .nan, .infinity, .nan, .infinity, .nan, .nan, -.infinity, -.infinity, .nan, .infinity, -.infinity, 2.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
        ("sub", [.nan, .nan, .nan, .nan, .nan, .nan, .infinity, .infinity, .nan, -.infinity, .nan, -.infinity, .nan, -.infinity, .infinity, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0]),
        ("mul", [.nan, .nan, .nan, .nan, .nan, .infinity, -.infinity, .infinity, .nan, -.infinity, .infinity, -.infinity, .nan, .infinity, -.infinity, 1.0], [.nan, .infinity, -.infinity, 1.0, .nan, .infinity, -.infinity, 1.0, .nan, .infinity, -.infinity, 1.0, .nan, .infinity, -.infinity, 1.0], [.nan, .nan, .nan, .nan, .infinity, .infinity, .infinity, .infinity, -.infinity, -.infinity, -.infinity, -.infinity, 1.0, 1.0, 1.0, 1.0]),
        ("div", [.nan, .nan, .nan, .nan, .nan, .nan, .nan, .infinity, .nan, .nan, .nan, -.infinity, .nan, 0.0, -0.0, 1.0], [.nan, 0.0, -0.0, 1.0, .nan, 0.0, -0.0, 1.0, .nan, 0.0, -0.0, 1.0, .nan, 0.0, -0.0, 1.0], [.nan, .nan, .nan, .nan, .nan, .nan, .nan, -.infinity, .nan, .nan, .nan, .infinity, .nan, -0.0, -0.0, -1.0]),
        ("pow", [.nan, .nan, .nan, .nan, .nan, .infinity, 0.0, .infinity, .nan, .infinity, 0.0, -.infinity, 1.0, 1.0, 1.0, 1.0], [.nan, .nan, .nan, 1.0, .nan, .infinity, .nan, 1.0, .nan, .infinity, .nan, 1.0, .nan, .infinity, -.infinity, 1.0], [.nan, .nan, .nan, .nan, .nan, .infinity, .nan, .infinity, .nan, .nan, .nan, .nan, 0.0, 0.0, 0.0, 0.0]),
        ("maximum", [.nan, .nan, .nan, .nan, .nan, .infinity, .infinity, .infinity, .nan, .infinity, -.infinity, 1.0, .nan, .infinity, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.0, 0.5, 0.0, 1.0, 0.0, 1.0, 0.5], [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.0, 0.5]),
        ("minimum", [.nan, .nan, .nan, .nan, .nan, .infinity, -.infinity, 1.0, .nan, -.infinity, -.infinity, -.infinity, .nan, 1.0, -.infinity, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.0, 0.5], [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.0, 0.5, 0.0, 1.0, 0.0, 1.0, 0.5]),
        ("equal", [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0], [.nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan], [.nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan]),
    ]
    /// The operations as the library spells them, on variables (tensor-only ones wrapped).
    static let unaryOperations: [String: @Sendable (Variable) -> Variable] = [
        "exp": { $0.exp() }, "log": { $0.log() }, "sqrt": { $0.sqrt() }, "abs": { $0.abs() },
        "tanh": { $0.tanh() }, "sigmoid": { $0.sigmoid() }, "relu": { $0.relu() },
        "leakyRelu": { $0.leakyRelu(negativeSlope: 0.01) }, "gelu": { $0.gelu() },
        "geluTanh": { $0.gelu(approximate: true) }, "softplus": { $0.softplus() }, "elu": { $0.elu() },
        "clamp": { $0.clamped(min: -0.5, max: 0.5) }, "erf": { $0.erf() }, "neg": { -$0 },
        "square": { $0.squared() }, "cube": { $0.pow(3) }, "pow0.5": { $0.pow(0.5) },
        "scale": { $0 * 2 }, "shift": { $0 + 1 }, "reciprocal": { 1 / $0 },
        "sign": { Variable($0.value.sign()) }, "greater0": { Variable($0.value.greater(than: 0)) },
    ]
    static let binaryOperations: [String: @Sendable (Variable, Variable) -> Variable] = [
        "add": { $0 + $1 }, "sub": { $0 - $1 }, "mul": { $0 * $1 }, "div": { $0 / $1 }, "pow": { $0.pow($1) },
        "maximum": { Variable($0.value.maximum($1.value)) }, "minimum": { Variable($0.value.minimum($1.value)) },
        "equal": { Variable($0.value.equal($1.value)) },
    ]

    static let tensorOnly: Set = ["sign", "greater0", "maximum", "minimum", "equal"]

    /// Both NaN, or equal (the sign of zero is not compared); finite values within `tolerance`
    /// relative error, since PyTorch's kernels round differently.
    static func same(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if !a.isFinite || !b.isFinite { return a == b }
        return Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b))
    }

    static func tensor(_ values: [Double], _ dtype: DType) -> Tensor {
        Tensor(values, shape: [values.count]).converted(to: dtype)
    }

    /// Compares `got` with PyTorch's `expected` and names the first difference.
    static func compare(_ got: [Double], _ expected: [Double], _ what: String, inputs: [String], dtype: DType) -> [String] {
        guard got.count == expected.count else { return ["\(what): \(got.count) values for \(expected.count) inputs"] }
        return zip(got, expected).enumerated().compactMap { i, pair in
            same(pair.0, pair.1, tolerance: dtype == .float32 ? 1e-6 : 1e-13) ? nil : "\(what) at \(inputs[i]): \(pair.0), PyTorch \(pair.1)"
        }
    }

    /// The values of `f` and its gradients by the fused fast path and by the recorded rule.
    static func evaluate(_ inputs: [Tensor], _ f: ([Variable]) -> Variable) -> (values: [Double], fast: [[Double]?], rule: [[Double]?]) {
        var values: [Double] = []
        var gradients: [[[Double]?]] = []
        for createGraph in [false, true] {
            let variables = inputs.map { Variable($0, requiresGrad: true) }
            let y = f(variables)
            values = y.value.scalars(as: Double.self)
            if y.requiresGrad { y.sum().backward(createGraph: createGraph) }
            gradients.append(variables.map { $0.grad?.scalars(as: Double.self) })
        }
        return (values, gradients[0], gradients[1])
    }

    static func check(_ name: String, values: [Double], gradients: [[Double]], dtype: DType,
                      inputs: [Tensor], labels: [String], _ f: ([Variable]) -> Variable) -> [String] {
        let result = evaluate(inputs, f)
        var problems = compare(result.values, values, "\(name) (\(dtype)) value", inputs: labels, dtype: dtype)
        // Operations the library has on tensors only (sign, maximum, comparisons) have values only.
        let differentiable = !gradients[0].allSatisfy(\.isNaN) && !tensorOnly.contains(name)
        for (index, expected) in gradients.enumerated() where differentiable {
            for (path, got) in [("fast path", result.fast[index]), ("rule", result.rule[index])] {
                problems += compare(got ?? [], expected, "\(name) (\(dtype)) gradient \(index) by the \(path)", inputs: labels, dtype: dtype)
            }
        }
        return problems
    }

    @Test(arguments: [DType.float32, .float64])
    func unaryOperationsMatchPyTorch(dtype: DType) {
        let labels = Self.points.map { "x = \($0)" }
        let x = Self.tensor(Self.points, dtype)
        var problems: [String] = []
        for (name, values, gradients) in Self.unary {
            guard let f = Self.unaryOperations[name] else { Issue.record("no operation for \(name)"); continue }
            problems += Self.check(name, values: values, gradients: [gradients], dtype: dtype, inputs: [x], labels: labels) { f($0[0]) }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test(arguments: [DType.float32, .float64])
    func binaryOperationsMatchPyTorch(dtype: DType) {
        let labels = Self.pairs.map { "(\($0.0), \($0.1))" }
        let a = Self.tensor(Self.pairs.map(\.0), dtype), b = Self.tensor(Self.pairs.map(\.1), dtype)
        var problems: [String] = []
        for (name, values, byA, byB) in Self.binary {
            guard let f = Self.binaryOperations[name] else { Issue.record("no operation for \(name)"); continue }
            problems += Self.check(name, values: values, gradients: [byA, byB], dtype: dtype, inputs: [a, b], labels: labels) { f($0[0], $0[1]) }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
