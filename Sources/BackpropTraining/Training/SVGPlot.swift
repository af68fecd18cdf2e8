import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// A line chart written as a standalone SVG file: axes with ticks, labels, a legend, any
/// number of series, optionally a logarithmic y axis.
///
/// ```swift
/// var plot = SVGPlot(title: "Training loss", xLabel: "epoch", yLabel: "loss", logScaleY: true)
/// plot.addSeries("train", y: history.trainLoss)          // x = 1, 2, 3, ...
/// plot.addSeries("test", x: [1, 2, 3], y: [0.9, 0.5, 0.4])
/// try plot.write(to: URL(fileURLWithPath: "loss.svg"))
/// ```
public struct SVGPlot: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The x coordinates.
        public var x: [Double]
        /// The y coordinates; non-finite values (and non-positive ones on a log axis) leave a gap.
        public var y: [Double]
        /// The stroke colour (any CSS colour); `nil` picks the next palette colour.
        public var color: String?
        /// Whether the line is dashed.
        public var dashed: Bool
    }

    /// The heading above the chart.
    public var title: String
    /// The x axis's label.
    public var xLabel: String
    /// The y axis's label.
    public var yLabel: String
    /// Whether the y axis is logarithmic (base 10).
    public var logScaleY: Bool
    /// The picture's size in pixels.
    public var width: Int
    /// The picture's size in pixels.
    public var height: Int
    /// A fixed x range; `nil` fits the data.
    public var xRange: ClosedRange<Double>?
    /// A fixed y range (data units, also on a log axis); `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// The lines, drawn in order.
    public private(set) var series: [Series] = []

    /// An empty chart.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", logScaleY: Bool = false,
                width: Int = 640, height: Int = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logScaleY = logScaleY
        self.width = width
        self.height = height
    }

    /// Adds a line through the points `(x[i], y[i])`.
    public mutating func addSeries(_ name: String, x: [Double], y: [Double], color: String? = nil, dashed: Bool = false) {
        guard x.count == y.count else {
            fatalError("SVGPlot.addSeries: series \"\(name)\" has \(x.count) x values but \(y.count) y values")
        }
        series.append(Series(name: name, x: x, y: y, color: color, dashed: dashed))
    }

    /// Adds a line through `(1, y[0]), (2, y[1]), ...`.
    public mutating func addSeries(_ name: String, y: [Double], color: String? = nil, dashed: Bool = false) {
        addSeries(name, x: (0..<y.count).map { Double($0 + 1) }, y: y, color: color, dashed: dashed)
    }

    /// The chart as a complete SVG document.
    public func render() -> String {
        SVG.header(width: width, height: height) + body(id: "p0") + "</svg>\n"
    }

    /// Writes the chart to a file (creating the folder), replacing it atomically.
    public func write(to url: URL) throws { try SVG.write(render(), to: url) }

    /// Several charts side by side in one SVG document (e.g. loss and accuracy).
    public static func renderSideBySide(_ plots: [SVGPlot]) -> String {
        let totalWidth = plots.reduce(0) { $0 + $1.width }
        let totalHeight = plots.map(\.height).max() ?? 0
        var svg = SVG.header(width: totalWidth, height: totalHeight)
        var x = 0
        for (i, plot) in plots.enumerated() {
            svg += "<g transform=\"translate(\(x),0)\">\n" + plot.body(id: "p\(i)") + "</g>\n"
            x += plot.width
        }
        return svg + "</svg>\n"
    }

    /// Writes several charts side by side to one file.
    public static func writeSideBySide(_ plots: [SVGPlot], to url: URL) throws {
        try SVG.write(renderSideBySide(plots), to: url)
    }

    private func isPlottable(_ y: Double) -> Bool { y.isFinite && (!logScaleY || y > 0) }

    /// The chart's elements, drawn in the box `0..<width × 0..<height`; `id` keeps clip-path
    /// names unique when several charts share a document.
    func body(id: String) -> String {
        // Up to four series share the plot with their legend; more get a legend beside it.
        let entries = series.enumerated().map { (name: $0.element.name, color: $0.element.color ?? SVG.color($0.offset), dashed: $0.element.dashed) }
        let legendSize = SVG.legendSize(entries.map(\.name))
        let legendOutside = entries.count > 4
        let left = 70.0, right = 20.0 + (legendOutside ? legendSize.width + 12 : 0)
        let top = title.isEmpty ? 20.0 : 40.0, bottom = 50.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom

        // Ranges and ticks.
        let xs = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && isPlottable($0.1) }.map(\.0) }
        let ys = series.flatMap { $0.y.filter(isPlottable) }
        let xAxis: (range: ClosedRange<Double>, ticks: [Double])
        if let xRange {
            let step = SVG.niceStep(span: xRange.upperBound - xRange.lowerBound, count: 6)
            xAxis = (xRange, SVG.ticks(from: ceil(xRange.lowerBound / step - 1e-9) * step, to: xRange.upperBound, step: step))
        } else {
            xAxis = SVG.linearAxis(xs.min() ?? 0, xs.max() ?? 1, count: 6)
        }
        let yAxis: (range: ClosedRange<Double>, ticks: [Double])
        if logScaleY {
            let lo = yRange?.lowerBound ?? ys.min() ?? 1, hi = yRange?.upperBound ?? ys.max() ?? 10
            yAxis = SVG.logAxis(max(lo, .leastNormalMagnitude), max(hi, .leastNormalMagnitude))
        } else if let yRange {
            let step = SVG.niceStep(span: yRange.upperBound - yRange.lowerBound, count: 5)
            yAxis = (yRange, SVG.ticks(from: ceil(yRange.lowerBound / step - 1e-9) * step, to: yRange.upperBound, step: step))
        } else {
            yAxis = SVG.linearAxis(ys.min() ?? 0, ys.max() ?? 1, count: 5)
        }
        let xSpan = xAxis.range.upperBound - xAxis.range.lowerBound
        let ySpan = yAxis.range.upperBound - yAxis.range.lowerBound
        func px(_ x: Double) -> Double { left + (x - xAxis.range.lowerBound) / xSpan * plotWidth }
        func py(_ y: Double) -> Double {
            let v = logScaleY ? log10(y) : y
            return top + plotHeight - (v - yAxis.range.lowerBound) / ySpan * plotHeight
        }

        var svg = SVG.frame(id: "\(id)-area", box: (left, top, plotWidth, plotHeight), pictureHeight: height,
                            title: title, xLabel: xLabel, yLabel: yLabel,
                            xTicks: xAxis.ticks.map { (px($0), $0) }, yTicks: yAxis.ticks.map { (py($0), $0) }, grid: true)

        // The lines.
        let pixels: [[(Double, Double)?]] = series.map { s in
            zip(s.x, s.y).map { x, y in x.isFinite && isPlottable(y) ? (px(x), py(y)) : nil }
        }
        svg += "<g clip-path=\"url(#\(id)-area)\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">\n"
        for (i, s) in series.enumerated() {
            let points = pixels[i]
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if points.compactMap({ $0 }).count == 1, let (x, y) = points.compactMap({ $0 }).first {
                svg += "<circle cx=\"\(SVG.coordinate(x))\" cy=\"\(SVG.coordinate(y))\" r=\"3\" fill=\"\(s.color ?? SVG.color(i))\"/>\n"
            } else {
                svg += "<path d=\"\(SVG.path(points))\" stroke=\"\(s.color ?? SVG.color(i))\"\(dash)/>\n"
            }
        }
        svg += "</g>\n"
        if legendOutside {
            return svg + SVG.legend(entries, left: left + plotWidth + 12, top: top)
        }
        // The legend goes in the inner corner that covers the fewest data points.
        let size = legendSize
        let corners = [(left + plotWidth - 8 - size.width, top + 8), (left + 8, top + 8),
                       (left + plotWidth - 8 - size.width, top + plotHeight - 8 - size.height), (left + 8, top + plotHeight - 8 - size.height)]
        let allPoints = pixels.joined().compactMap { $0 }
        let corner = corners.min { a, b in
            func covered(_ c: (Double, Double)) -> Int {
                allPoints.count { $0.0 >= c.0 && $0.0 <= c.0 + size.width && $0.1 >= c.1 && $0.1 <= c.1 + size.height }
            }
            return covered(a) < covered(b)
        }!
        svg += SVG.legend(entries, left: corner.0, top: corner.1)
        return svg
    }
}
