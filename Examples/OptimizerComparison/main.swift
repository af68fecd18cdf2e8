// optimizer-comparison: every optimizer on five small 2-D problems. Prints how many steps each
// needs to converge and draws the paths over contour plots plus the loss curves (SVG).
//
//   swift run -c release optimizer-comparison [--out out/optimizer-comparison] [--surface rosenbrock]
import Backprop
import Foundation

/// An optimizer as the table names it, and how to build one for some parameters.
struct Contender {
    let name: String
    let make: ([Variable], Double) -> any Optimizer
}

let contenders: [Contender] = [
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
let learningRateGrid = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1]

/// One optimisation run.
struct Run {
    var learningRate: Double
    var points: [(x: Double, y: Double)]
    /// The objective after each step (index 0: at the start).
    var values: [Double]
    /// Steps until the gap to the minimum stays below the tolerance (or, on the saddle, until
    /// `f` drops below the escape level); `nil` if that never happened.
    var stepsToTolerance: Int?
    var diverged: Bool
    /// `f − f*` at the end (`f` on the saddle).
    var finalGap: Double
}

func optimize(_ surface: Surface, with contender: Contender, learningRate: Double) -> Run {
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
func bestRun(_ surface: Surface, _ contender: Contender) -> Run {
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

// MARK: - Command line

var outputDirectory = "out/optimizer-comparison"
var only: String?
var arguments = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("optimizer-comparison: error: \(message)\n".utf8))
    exit(2)
}
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--help", "-h":
        print("""
            USAGE: optimizer-comparison [--out DIR] [--surface NAME]
              --out DIR        where to write optimizers-<surface>.svg and optimizers-<surface>-loss.svg (default out/optimizer-comparison)
              --surface NAME   only one of: \(Surfaces.all.map(\.slug).joined(separator: ", "))
            """)
        exit(0)
    case "--out":
        guard let value = arguments.first else { fail("--out needs a directory") }
        outputDirectory = value
        arguments.removeFirst()
    case "--surface":
        guard let value = arguments.first else { fail("--surface needs a name") }
        guard Surfaces.all.contains(where: { $0.slug == value }) else {
            fail("unknown surface '\(value)' (choose from \(Surfaces.all.map(\.slug).joined(separator: ", ")))")
        }
        only = value
        arguments.removeFirst()
    default:
        fail("unknown option '\(argument)' (see --help)")
    }
}

// MARK: - Runs, table, pictures

/// A short number: `0.001`, `0.0003`, `1e-06`.
func short(_ v: Double) -> String { String(format: "%g", v) }
func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
func scientific(_ v: Double) -> String { v.isFinite ? String(format: "%.2e", v) : "diverged" }

let out = URL(fileURLWithPath: outputDirectory)
for surface in Surfaces.all where only == nil || only == surface.slug {
    let started = ProcessInfo.processInfo.systemUptime
    let runs = contenders.map { bestRun(surface, $0) }

    print("\n## \(surface.title)")
    if let tolerance = surface.tolerance {
        print("start (\(surface.start.x), \(surface.start.y)); converged when f − f* stays below \(short(tolerance)); \(surface.steps) steps at most")
        print(pad("optimizer", 10) + pad("best lr", 9) + pad("steps to tolerance", 20) + "final f − f*")
    } else {
        print("start (\(surface.start.x), \(surface.start.y)); escaped when f ≤ \(surface.escapeLevel!); lr 0.01 (Adadelta 1)")
        print(pad("optimizer", 10) + pad("lr", 9) + pad("steps to escape", 20) + "final f")
    }
    for (contender, run) in zip(contenders, runs) {
        let steps = run.diverged ? "diverged" : run.stepsToTolerance.map(String.init) ?? "not within \(surface.steps)"
        print(pad(contender.name, 10) + pad(short(run.learningRate), 9) + pad(steps, 20) + scientific(run.finalGap))
    }
    if surface.minimum != nil && surface.stochasticLoss == nil {
        print("(AdamW's decoupled weight decay, 0.01 by default, pulls towards the origin: it settles slightly off the minimum.)")
    }

    var contour = SVGContourPlot(title: surface.title, xRange: surface.xRange, yRange: surface.yRange,
                                 resolution: 100, width: 880, height: 560, logarithmicLevels: surface.logarithmicLevels) { x, y in
        surface.value(x, y)
    }
    for (contender, run) in zip(contenders, runs) {
        contour.addTrajectory("\(contender.name) (lr \(short(run.learningRate)))", points: run.points)
    }
    if let m = surface.minimum { contour.addMarker(x: m.x, y: m.y, label: "minimum") }

    let gapPlot = surface.minimumValue != nil
    var lossPlot = SVGPlot(title: surface.title, xLabel: "step", yLabel: gapPlot ? "f − f*" : "f",
                           logScaleY: gapPlot, width: 820, height: 440)
    let best = surface.minimumValue ?? 0
    for (contender, run) in zip(contenders, runs) {
        lossPlot.addSeries(contender.name, x: run.values.indices.map(Double.init), y: run.values.map { $0 - best },
                           dashed: contender.name.hasPrefix("Ada") || contender.name == "NAdam")
    }
    if gapPlot { lossPlot.yRange = 1e-12...max(1, (runs.compactMap { $0.values.first }.max() ?? 1) - best) }

    let contourURL = out.appendingPathComponent("optimizers-\(surface.slug).svg")
    let lossURL = out.appendingPathComponent("optimizers-\(surface.slug)-loss.svg")
    do {
        try contour.write(to: contourURL)
        try lossPlot.write(to: lossURL)
    } catch {
        fail("could not write the pictures: \(error)")
    }
    print(String(format: "wrote %@ and %@ (%.1f s)", contourURL.path, lossURL.path,
                 ProcessInfo.processInfo.systemUptime - started))
}
