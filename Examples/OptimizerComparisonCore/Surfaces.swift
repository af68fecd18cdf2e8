import Backprop

/// A function of two parameters to minimise, with where to start and how to judge success.
public struct Surface {
    /// The file-name part (`optimizers-<slug>.svg`).
    public let slug: String
    /// The heading, with the formula.
    public let title: String
    public let start: (x: Double, y: Double)
    public let xRange: ClosedRange<Double>
    public let yRange: ClosedRange<Double>
    /// The minimiser, if there is one (drawn as a star).
    public let minimum: (x: Double, y: Double)?
    /// The smallest value `f*`; losses are reported as the gap `f − f*`.
    public let minimumValue: Double?
    /// A run has converged once `f − f*` stays below this.
    public let tolerance: Double?
    /// For the saddle (no minimum): a run has escaped once `f` drops below this.
    public let escapeLevel: Double?
    public let steps: Int
    /// Contour levels spaced geometrically (valleys) rather than evenly.
    public let logarithmicLevels: Bool
    /// The objective at `p = [x, y]` (a `[2]` float64 variable), as a scalar.
    public let objective: (Variable) -> Variable
    /// The loss whose gradient the optimizer follows, when it differs from the objective
    /// (the noisy quadratic's mini-batch); `generator` draws the batch.
    public var stochasticLoss: ((Variable, inout SplitMix64) -> Variable)? = nil

    /// The objective at a point, without recording a graph.
    public func value(_ x: Double, _ y: Double) -> Double {
        withNoGrad { objective(Variable(Tensor([x, y], shape: [2]))).item(as: Double.self) }
    }
}

/// `x` and `y` of a `[2]` parameter vector, each of shape `[1]`.
private func coordinates(_ p: Variable) -> (Variable, Variable) {
    (p.slice(axis: 0, 0..<1), p.slice(axis: 0, 1..<2))
}

public enum Surfaces {
    /// Rosenbrock's banana valley: easy to find, slow to follow. `f(x, y) = (1 − x)² + 100(y − x²)²`.
    public static var rosenbrock: Surface { Surface(
        slug: "rosenbrock", title: "Rosenbrock  f = (1 − x)² + 100 (y − x²)²",
        start: (-1.5, 2), xRange: -2...2, yRange: -1...3, minimum: (1, 1), minimumValue: 0,
        tolerance: 1e-4, escapeLevel: nil, steps: 3000, logarithmicLevels: true,
        objective: { p in
            let (x, y) = coordinates(p)
            return ((1 - x).squared() + 100 * (y - x.squared()).squared()).sum()
        }) }

    /// Beale's function: flat plateaus and steep walls.
    /// `f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`.
    public static var beale: Surface { Surface(
        slug: "beale", title: "Beale  f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        start: (1, 1.5), xRange: -1...4, yRange: -1.5...2, minimum: (3, 0.5), minimumValue: 0,
        tolerance: 1e-4, escapeLevel: nil, steps: 3000, logarithmicLevels: true,
        objective: { p in
            let (x, y) = coordinates(p)
            let a = (1.5 - x + x * y).squared()
            let b = (2.25 - x + x * y.squared()).squared()
            let c = (2.625 - x + x * y.pow(3)).squared()
            return (a + b + c).sum()
        }) }

    /// A saddle: the gradient vanishes at the origin, which is no minimum. `f(x, y) = x² − y²`.
    /// Starting just off the ridge, how fast does each method get away?
    public static var saddle: Surface { Surface(
        slug: "saddle", title: "Saddle  f = x² − y²  (start just off the ridge)",
        start: (1, 1e-3), xRange: -1.5...1.5, yRange: -1.5...1.5, minimum: nil, minimumValue: nil,
        tolerance: nil, escapeLevel: -1, steps: 500, logarithmicLevels: false,
        objective: { p in
            let (x, y) = coordinates(p)
            return (x.squared() - y.squared()).sum()
        }) }

    /// A long, narrow bowl (condition number 100): plain gradient descent must use a step small
    /// enough for the steep direction and so crawls along the flat one. `f(x, y) = ½(x² + 100 y²)`.
    public static var illConditioned: Surface { Surface(
        slug: "ill-conditioned", title: "Ill-conditioned quadratic  f = ½ (x² + 100 y²)",
        start: (-4, 1), xRange: -5...5, yRange: -2...2, minimum: (0, 0), minimumValue: 0,
        tolerance: 1e-6, escapeLevel: nil, steps: 2000, logarithmicLevels: true,
        objective: { p in
            let (x, y) = coordinates(p)
            return (0.5 * (x.squared() + 100 * y.squared())).sum()
        }) }

    /// Least squares on 256 points, followed with gradients of random mini-batches of 8:
    /// `f(w) = (1/2N) Σ_i (a_i·w − b_i)²`, with `b = A·(1, −1.5) + noise`.
    public static var noisyQuadratic: Surface {
        var generator = SplitMix64(seed: 7)
        let n = 256
        var a: [Double] = [], b: [Double] = []
        for _ in 0..<n {
            let a0 = generator.nextNormal(), a1 = 0.3 * generator.nextNormal()
            a += [a0, a1]
            b.append(a0 * 1 + a1 * -1.5 + 0.3 * generator.nextNormal())
        }
        let inputs = Tensor(a, shape: [n, 2]), targets = Tensor(b, shape: [n, 1])
        // The least-squares solution from the 2×2 normal equations (AᵀA) w = Aᵀb.
        var (s00, s01, s11, t0, t1) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for i in 0..<n {
            s00 += a[2 * i] * a[2 * i]; s01 += a[2 * i] * a[2 * i + 1]; s11 += a[2 * i + 1] * a[2 * i + 1]
            t0 += a[2 * i] * b[i]; t1 += a[2 * i + 1] * b[i]
        }
        let det = s00 * s11 - s01 * s01
        let w = ((s11 * t0 - s01 * t1) / det, (s00 * t1 - s01 * t0) / det)
        // f* = f(w*), the smallest value of the full objective.
        var residualSquares = 0.0
        for i in 0..<n {
            let r = a[2 * i] * w.0 + a[2 * i + 1] * w.1 - b[i]
            residualSquares += r * r
        }
        func loss(_ p: Variable, rows: Tensor, targets: Tensor) -> Variable {
            let residual = Variable(rows).matmul(p.reshaped([2, 1])) - Variable(targets)
            return 0.5 * residual.squared().mean()
        }
        return Surface(
            slug: "noisy-quadratic", title: "Noisy quadratic  least squares, mini-batches of 8",
            start: (-2, 2), xRange: -3...3, yRange: -4...3, minimum: w, minimumValue: 0.5 * residualSquares / Double(n),
            tolerance: 1e-3, escapeLevel: nil, steps: 2000, logarithmicLevels: true,
            objective: { p in loss(p, rows: inputs, targets: targets) },
            stochasticLoss: { p, generator in
                let rows = (0..<8).map { _ in Int(generator.next() % UInt64(n)) }
                return loss(p, rows: inputs.gatherRows(rows), targets: targets.gatherRows(rows))
            })
    }

    public static var all: [Surface] { [rosenbrock, beale, saddle, illConditioned, noisyQuadratic] }
}
