import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Contour lines of a function of two variables, with optimisation paths drawn over them,
/// written as a standalone SVG file.
///
/// The function is sampled on a grid; each contour line is traced by marching squares: in
/// every grid cell, the corners above the level decide which cell edges the line crosses, and
/// the crossing point on an edge is found by linear interpolation between its two corners.
///
/// ```swift
/// var plot = SVGContourPlot(title: "Rosenbrock", xRange: -2...2, yRange: -1...3) { x, y in
///     (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
/// }
/// plot.addTrajectory("Adam", points: path)      // [(x: Double, y: Double)]
/// plot.addMarker(x: 1, y: 1, label: "minimum")
/// try plot.write(to: URL(fileURLWithPath: "rosenbrock.svg"))
/// ```
public struct SVGContourPlot: Sendable {
    /// A path drawn over the contours.
    public struct Trajectory: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The x coordinates of the path's points.
        public var x: [Double]
        /// The y coordinates of the path's points.
        public var y: [Double]
        /// The stroke colour; `nil` picks the next palette colour.
        public var color: String?
    }

    /// The heading above the chart.
    public var title: String
    /// The axis labels.
    public var xLabel: String, yLabel: String
    /// The region shown.
    public let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    /// The picture's size in pixels.
    public var width: Int, height: Int
    /// The function values at the grid points: `values[j][i] = f(x_i, y_j)`.
    public let values: [[Double]]
    /// The function values at which contour lines are drawn.
    public var levels: [Double]
    /// The paths drawn over the contours.
    public private(set) var trajectories: [Trajectory] = []
    /// Labelled points (such as the minimum), drawn as stars.
    public private(set) var markers: [(x: Double, y: Double, label: String)] = []

    /// Samples `function` on a `(resolution + 1)²` grid over the region. Without explicit
    /// `levels`, `levelCount` levels are spread between the smallest and largest sampled
    /// value, geometrically (dense near the minimum, good for valleys) when
    /// `logarithmicLevels` is set, evenly otherwise.
    public init(title: String = "", xLabel: String = "x", yLabel: String = "y",
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, resolution: Int = 120,
                width: Int = 600, height: Int = 520, levels: [Double]? = nil, levelCount: Int = 20,
                logarithmicLevels: Bool = true, function: (Double, Double) -> Double) {
        guard resolution >= 2 else { fatalError("SVGContourPlot: resolution must be at least 2, got \(resolution)") }
        guard xRange.upperBound > xRange.lowerBound, yRange.upperBound > yRange.lowerBound else {
            fatalError("SVGContourPlot: empty region x \(xRange), y \(yRange)")
        }
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.width = width
        self.height = height
        let n = resolution
        values = (0...n).map { j in
            let y = yRange.lowerBound + (yRange.upperBound - yRange.lowerBound) * Double(j) / Double(n)
            return (0...n).map { i in function(xRange.lowerBound + (xRange.upperBound - xRange.lowerBound) * Double(i) / Double(n), y) }
        }
        if let levels {
            self.levels = levels
        } else {
            let finite = values.joined().filter(\.isFinite)
            let lo = finite.min() ?? 0, hi = finite.max() ?? 1
            let span = max(hi - lo, 1e-12), count = max(1, levelCount)
            self.levels = (0..<count).map { k in
                let t = Double(k + 1) / Double(count + 1)
                return logarithmicLevels ? lo + span * pow(10, -4 * (1 - t)) : lo + span * t
            }
        }
    }

    /// Adds a path through the points, in order (non-finite points leave a gap).
    public mutating func addTrajectory(_ name: String, points: [(x: Double, y: Double)], color: String? = nil) {
        trajectories.append(Trajectory(name: name, x: points.map(\.x), y: points.map(\.y), color: color))
    }

    /// Adds a labelled star at a point.
    public mutating func addMarker(x: Double, y: Double, label: String) { markers.append((x, y, label)) }

    /// Writes the chart to a file (creating the folder), replacing it atomically.
    public func write(to url: URL) throws { try SVG.write(render(), to: url) }

    /// The chart as a complete SVG document.
    public func render() -> String {
        // The legend sits to the right of the plot, so it hides no contour or path.
        let legendEntries = trajectories.enumerated().map { (name: $0.element.name, color: $0.element.color ?? SVG.color($0.offset), dashed: false) }
        let legendWidth = legendEntries.isEmpty ? 0 : SVG.legendSize(legendEntries.map(\.name)).width + 24
        let left = 60.0, right = 20.0 + legendWidth, top = title.isEmpty ? 20.0 : 40.0, bottom = 50.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let n = values.count - 1
        func px(_ x: Double) -> Double { left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight }
        // Grid index → pixel.
        func gx(_ i: Double) -> Double { left + i / Double(n) * plotWidth }
        func gy(_ j: Double) -> Double { top + plotHeight - j / Double(n) * plotHeight }

        let xTicks = SVG.linearAxis(xRange.lowerBound, xRange.upperBound, count: 6).ticks.filter { xRange.contains($0) }
        let yTicks = SVG.linearAxis(yRange.lowerBound, yRange.upperBound, count: 6).ticks.filter { yRange.contains($0) }
        var svg = SVG.header(width: width, height: height)
        svg += SVG.frame(id: "area", box: (left, top, plotWidth, plotHeight), pictureHeight: height,
                         title: title, xLabel: xLabel, yLabel: yLabel,
                         xTicks: xTicks.map { (px($0), $0) }, yTicks: yTicks.map { (py($0), $0) }, grid: false)

        // Contour lines, one path per level, coloured from dark (low) to light (high).
        svg += "<g fill=\"none\" stroke-width=\"1\" clip-path=\"url(#area)\">\n"
        for (k, level) in levels.enumerated() {
            var d = ""
            var penAt = ""   // where the last piece ended: a piece starting there continues it
            for j in 0..<n {
                for i in 0..<n {
                    for (p, q) in Self.cellSegments(values[j][i], values[j][i + 1], values[j + 1][i + 1], values[j + 1][i], level: level) {
                        let from = SVG.coordinate(gx(Double(i) + p.0)) + " " + SVG.coordinate(gy(Double(j) + p.1))
                        let to = SVG.coordinate(gx(Double(i) + q.0)) + " " + SVG.coordinate(gy(Double(j) + q.1))
                        if from == penAt { d += "L" + to; penAt = to }
                        else if to == penAt { d += "L" + from; penAt = from }
                        else { d += "M" + from + "L" + to; penAt = to }
                    }
                }
            }
            if !d.isEmpty {
                let color = Self.levelColor(levels.count == 1 ? 0 : Double(k) / Double(levels.count - 1))
                svg += "<path stroke=\"\(color)\" d=\"\(d)\"><title>f = \(SVG.label(level))</title></path>\n"
            }
        }
        svg += "</g>\n"

        // Trajectories: the path, a hollow circle at the start, a filled dot at the end.
        svg += "<g clip-path=\"url(#area)\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">\n"
        for (index, t) in trajectories.enumerated() {
            let color = t.color ?? SVG.color(index)
            let points: [(Double, Double)?] = zip(t.x, t.y).map { x, y in x.isFinite && y.isFinite ? (px(x), py(y)) : nil }
            svg += "<path d=\"\(SVG.path(points))\" stroke=\"\(color)\" stroke-opacity=\"0.9\"/>\n"
            if let first = points.compactMap({ $0 }).first {
                svg += "<circle cx=\"\(SVG.coordinate(first.0))\" cy=\"\(SVG.coordinate(first.1))\" r=\"4\" stroke=\"\(color)\"/>\n"
            }
            if let last = points.compactMap({ $0 }).last {
                svg += "<circle cx=\"\(SVG.coordinate(last.0))\" cy=\"\(SVG.coordinate(last.1))\" r=\"3.5\" fill=\"\(color)\" stroke=\"none\"/>\n"
            }
        }
        svg += "</g>\n"
        for m in markers {
            let (x, y) = (px(m.x), py(m.y))
            let star = (0..<10).map { k -> String in
                let angle = Double(k) * .pi / 5 - .pi / 2, r = k % 2 == 0 ? 8.0 : 3.5
                return SVG.coordinate(x + r * cos(angle)) + "," + SVG.coordinate(y + r * sin(angle))
            }.joined(separator: " ")
            svg += "<polygon points=\"\(star)\" fill=\"gold\" stroke=\"black\" stroke-width=\"0.8\"><title>\(SVG.escape(m.label))</title></polygon>\n"
        }
        svg += SVG.legend(legendEntries, left: left + plotWidth + 12, top: top)
        return svg + "</svg>\n"
    }

    /// The pieces of the contour at `level` inside one grid cell, in cell coordinates
    /// (0...1 on each axis), from the corner values bottom-left `a`, bottom-right `b`,
    /// top-right `c`, top-left `d` (marching squares).
    static func cellSegments(_ a: Double, _ b: Double, _ c: Double, _ d: Double, level: Double) -> [((Double, Double), (Double, Double))] {
        guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { return [] }
        let index = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0)
        if index == 0 || index == 15 { return [] }
        func t(_ u: Double, _ v: Double) -> Double { u == v ? 0.5 : min(1, max(0, (level - u) / (v - u))) }
        // Where the level crosses each edge.
        let bottom = (t(a, b), 0.0), right = (1.0, t(b, c)), top = (t(d, c), 1.0), left = (0.0, t(a, d))
        let centerAbove = (a + b + c + d) / 4 > level
        switch index {
        case 1, 14: return [(left, bottom)]
        case 2, 13: return [(bottom, right)]
        case 3, 12: return [(left, right)]
        case 4, 11: return [(right, top)]
        case 6, 9: return [(bottom, top)]
        case 7, 8: return [(left, top)]
        case 5: // a and c above: the centre decides whether they connect.
            return centerAbove ? [(bottom, right), (top, left)] : [(left, bottom), (right, top)]
        case 10: // b and d above.
            return centerAbove ? [(left, bottom), (right, top)] : [(bottom, right), (top, left)]
        default: return []
        }
    }

    /// A colour from the viridis scale, `fraction` 0 (dark purple) to 1 (yellow).
    static func levelColor(_ fraction: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let f = min(1, max(0, fraction)) * Double(stops.count - 1)
        let i = min(Int(f), stops.count - 2), w = f - Double(i)
        let (r0, g0, b0) = stops[i], (r1, g1, b1) = stops[i + 1]
        func mix(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * w).rounded()) }
        return String(format: "#%02x%02x%02x", mix(r0, r1), mix(g0, g1), mix(b0, b1))
    }
}
