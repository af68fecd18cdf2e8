import Backprop
import Foundation
import OptimizerComparisonCore

/// The optimizer comparison's surfaces with every optimizer's path, for the animated race:
/// the same runs as `optimizer-comparison` (each optimizer at its best learning rate).
public struct OptimizerRace: Encodable, Sendable {
    public struct Path: Encodable, Sendable {
        public let optimizer: String
        public let learningRate: Double
        /// `[x, y]` after every `every`-th step (the first is the start, the last the end).
        public let points: [[Double]]
        /// The objective at those points.
        public let values: [Double]
        /// Steps until converged (or escaped, on the saddle); `nil` when never.
        public let stepsToTolerance: Int?
        public let diverged: Bool
    }

    public struct Track: Encodable, Sendable {
        public let slug: String
        public let title: String
        public let xRange: [Double]
        public let yRange: [Double]
        public let minimum: [Double]?
        /// The surface on a `resolution × resolution` grid (row 0 at the top), as
        /// `log10(f − f_min + 1e-3)` mapped to 0...255 over the grid's range, base64.
        public let heat: String
        public let resolution: Int
        /// Steps between stored points.
        public let every: Int
        public let steps: Int
        public let paths: [Path]
    }

    public let tracks: [Track]

    /// At most this many points per path, so the page stays small.
    public static let maxPoints = 300

    public init(surfaces: [Surface] = Surfaces.all, resolution: Int = 72) {
        tracks = surfaces.map { surface in
            let runs = contenders.map { bestRun(surface, $0) }
            let longest = runs.map(\.points.count).max() ?? 1
            let every = Swift.max(1, (longest + Self.maxPoints - 1) / Self.maxPoints)
            let paths = zip(contenders, runs).map { contender, run in
                var indices = Array(stride(from: 0, to: run.points.count, by: every))
                if indices.last != run.points.count - 1 { indices.append(run.points.count - 1) }
                return Path(optimizer: contender.name, learningRate: run.learningRate,
                            points: indices.map { [Playground.rounded(run.points[$0].x), Playground.rounded(run.points[$0].y)] },
                            values: indices.map { Playground.rounded(run.values[$0]) }, stepsToTolerance: run.stepsToTolerance,
                            diverged: run.diverged)
            }
            var values: [Double] = []
            for row in 0..<resolution {
                for column in 0..<resolution {
                    let x = surface.xRange.lowerBound + (Double(column) + 0.5) / Double(resolution)
                        * (surface.xRange.upperBound - surface.xRange.lowerBound)
                    let y = surface.yRange.upperBound - (Double(row) + 0.5) / Double(resolution)
                        * (surface.yRange.upperBound - surface.yRange.lowerBound)
                    values.append(surface.value(x, y))
                }
            }
            let lowest = values.min() ?? 0
            let logs = values.map { log10($0 - lowest + 1e-3) }
            let heat = Playground.bytes(logs, from: logs.min() ?? 0, to: logs.max() ?? 1)
            return Track(slug: surface.slug, title: surface.title,
                         xRange: [surface.xRange.lowerBound, surface.xRange.upperBound],
                         yRange: [surface.yRange.lowerBound, surface.yRange.upperBound],
                         minimum: surface.minimum.map { [$0.x, $0.y] }, heat: heat, resolution: resolution,
                         every: every, steps: longest - 1, paths: paths)
        }
    }
}
