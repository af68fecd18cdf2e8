// optimizer-comparison: every optimizer on five small 2-D problems. Prints how many steps each
// needs to converge and draws the paths over contour plots plus the loss curves (SVG).
//
//   swift run -c release optimizer-comparison [--out out/optimizer-comparison] [--surface rosenbrock]
import Backprop
import ExampleSupport
import Foundation
import OptimizerComparisonCore

// MARK: - Command line

var outputDirectory = "out/optimizer-comparison"
var only: String?
let commandLine = ExampleCommandLine(program: "optimizer-comparison")
let surfaceNames = Surfaces.all.map(\.slug).joined(separator: ", ")
commandLine.parse(usage: """
    USAGE: optimizer-comparison [--out DIR] [--surface NAME]
      --out DIR        where to write optimizers-<surface>.svg and optimizers-<surface>-loss.svg (default out/optimizer-comparison)
      --surface NAME   only one of: \(surfaceNames)
    """) { option, value in
    switch option {
    case "--out": outputDirectory = value("a directory")
    case "--surface":
        let name = value("a name")
        guard Surfaces.all.contains(where: { $0.slug == name }) else {
            commandLine.fail("unknown surface '\(name)' (choose from \(surfaceNames))")
        }
        only = name
    default: return false
    }
    return true
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
        commandLine.fail("could not write the pictures: \(error)")
    }
    print(String(format: "wrote %@ and %@ (%.1f s)", contourURL.path, lossURL.path,
                 ProcessInfo.processInfo.systemUptime - started))
}
