// The optimizers of the comparison and one run of an optimizer over a surface, shared by
// optimizer-comparison (tables and SVGs) and backprop-explorer (the animated race).
import Backprop

/// An optimizer as the table names it, and how to build one for some parameters.
public struct Contender: Sendable {
    public let name: String
    public let make: @Sendable ([Variable], Double) -> any Optimizer
}

public let contenders: [Contender] = [
    Contender(name: "GD") { SGD(parameters: $0, lr: $1) },
    Contender(name: "Momentum") { SGD(parameters: $0, lr: $1, momentum: 0.9) },
    Contender(name: "Nesterov") { SGD(parameters: $0, lr: $1, momentum: 0.9, nesterov: true) },
    Contender(name: "Adagrad") { Adagrad(parameters: $0, lr: $1) },
    Contender(name: "RMSprop") { RMSprop(parameters: $0, lr: $1) },
    Contender(name: "Adadelta") { Adadelta(parameters: $0, lr: $1) },
    Contender(name: "Adam") { Adam(parameters: $0, lr: $1) },
    Contender(name: "AdamW") { AdamW(parameters: $0, lr: $1) },
    Contender(name: "Adamax") { Adamax(parameters: $0, lr: $1) },
    Contender(name: "NAdam") { NAdam(parameters: $0, lr: $1) },
]

/// Each optimizer gets the learning rate from this grid that converges in the fewest steps
/// (or, if none converges, ends lowest): a fair comparison needs each at its best.
public let learningRateGrid = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1]

/// One optimisation run.
public struct Run {
    public var learningRate: Double
    public var points: [(x: Double, y: Double)]
    /// The objective after each step (index 0: at the start).
    public var values: [Double]
    /// Steps until the gap to the minimum stays below the tolerance (or, on the saddle, until
    /// `f` drops below the escape level); `nil` if that never happened.
    public var stepsToTolerance: Int?
    public var diverged: Bool
    /// `f − f*` at the end (`f` on the saddle).
    public var finalGap: Double
}

public func optimize(_ surface: Surface, with contender: Contender, learningRate: Double) -> Run {
    let p = Variable(Tensor([surface.start.x, surface.start.y], shape: [2]), requiresGrad: true)
    let optimizer = contender.make([p], learningRate)
    var generator = SplitMix64(seed: 11)
    var points = [surface.start]
    var values = [surface.value(surface.start.x, surface.start.y)]
    var diverged = false
    for _ in 0..<surface.steps {
        let loss = surface.stochasticLoss?(p, &generator) ?? surface.objective(p)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        let xy = p.value.scalars(as: Double.self)
        let f = surface.value(xy[0], xy[1])
        points.append((xy[0], xy[1]))
        values.append(f)
        if !f.isFinite || Swift.abs(f) > 1e10 { diverged = true; break }
        if let escape = surface.escapeLevel, f < 4 * escape { break }   // far off the saddle: done
    }
    let best = surface.minimumValue ?? 0
    var reached: Int?
    if let tolerance = surface.tolerance, !diverged {
        if let lastAbove = values.lastIndex(where: { $0 - best >= tolerance }) {
            reached = lastAbove == values.count - 1 ? nil : lastAbove + 1
        } else {
            reached = 0
        }
    } else if let escape = surface.escapeLevel {
        reached = values.firstIndex { $0 <= escape }
    }
    return Run(learningRate: learningRate, points: points, values: values, stepsToTolerance: reached,
               diverged: diverged, finalGap: diverged ? .infinity : values.last! - best)
}

/// The best run over the learning-rate grid (the saddle uses one fixed rate for all, since
/// there "faster" only means "bigger steps").
public func bestRun(_ surface: Surface, _ contender: Contender) -> Run {
    if surface.escapeLevel != nil {
        // Adadelta's lr multiplies an already self-scaled step; PyTorch's default is 1.
        return optimize(surface, with: contender, learningRate: contender.name == "Adadelta" ? 1 : 0.01)
    }
    let runs = learningRateGrid.map { optimize(surface, with: contender, learningRate: $0) }
    return runs.min { a, b in
        let ka = a.stepsToTolerance ?? Int.max, kb = b.stepsToTolerance ?? Int.max
        return ka != kb ? ka < kb : a.finalGap < b.finalGap
    }!
}

