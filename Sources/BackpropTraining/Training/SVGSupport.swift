import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Shared pieces of the SVG charts: number formatting, tick placement, colours, escaping.
enum SVG {
    /// Ten distinguishable colours (matplotlib's "tab10").
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    /// A coordinate with one decimal, clamped so that diverging data cannot produce absurd numbers.
    static func coordinate(_ v: Double) -> String {
        String(format: "%.1f", min(max(v, -1e5), 1e5))
    }

    /// Text made safe for XML content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A tick label: the shortest of `%g`'s forms.
    static func label(_ v: Double) -> String {
        let s = String(format: "%g", v)
        return s.replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-")
            .replacingOccurrences(of: "e+", with: "e")
    }

    /// The step 1, 2 or 5 × 10^k that splits `span` into about `count` parts.
    static func niceStep(span: Double, count: Int) -> Double {
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let nice: Double = residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10
        return nice * magnitude
    }

    /// An axis range covering `lo...hi` rounded out to nice steps, and its ticks.
    static func linearAxis(_ lo: Double, _ hi: Double, count: Int = 5) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var (lo, hi) = (lo, hi)
        if !(lo.isFinite && hi.isFinite) { (lo, hi) = (0, 1) }
        if hi - lo <= abs(hi) * 1e-12 {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            (lo, hi) = (lo - pad, hi + pad)
        }
        let step = niceStep(span: hi - lo, count: count)
        let start = floor(lo / step + 1e-9) * step, end = ceil(hi / step - 1e-9) * step
        return (start...end, ticks(from: start, to: end, step: step))
    }

    /// Ticks `start, start + step, ...` up to `end`, with values near zero snapped to zero.
    static func ticks(from start: Double, to end: Double, step: Double) -> [Double] {
        var ticks: [Double] = []
        var i = 0.0
        while start + i * step <= end + step * 1e-9 && ticks.count < 50 {
            let t = start + i * step
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            i += 1
        }
        return ticks
    }

    /// A log₁₀ axis over whole decades covering `lo...hi` (both positive); returns the range
    /// in log₁₀ units and the ticks (powers of ten) in data units.
    static func logAxis(_ lo: Double, _ hi: Double) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var a = floor(log10(lo)), b = ceil(log10(hi))
        if !(a.isFinite && b.isFinite) { (a, b) = (0, 1) }
        if b <= a { b = a + 1 }
        let decades = Int(b - a)
        let every = max(1, Int((Double(decades) / 8).rounded(.up)))
        let ticks = stride(from: Int(a), through: Int(b), by: every).map { pow(10, Double($0)) }
        return (a...b, ticks)
    }

    /// The root element's opening tag with a white background.
    static func header(width: Int, height: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>

        """
    }

    /// The ordered points (in pixels) of a polyline as an SVG path, starting a new piece after
    /// each gap. Points closer than 0.7 px to the last one drawn are skipped (except a piece's
    /// end), which keeps long series small without visible change.
    static func path(_ points: [(Double, Double)?]) -> String {
        var d = ""
        var last: (Double, Double)?
        for (i, p) in points.enumerated() {
            guard let (x, y) = p else { last = nil; continue }
            let endsPiece = i == points.count - 1 || points[i + 1] == nil
            if let (lx, ly) = last, !endsPiece, (x - lx) * (x - lx) + (y - ly) * (y - ly) < 0.49 { continue }
            d += (last == nil ? "M" : "L") + coordinate(x) + " " + coordinate(y) + " "
            last = (x, y)
        }
        return d.trimmingCharacters(in: .whitespaces)
    }

    /// The plot box `(left, top, width, height)` in pixels.
    typealias Box = (left: Double, top: Double, width: Double, height: Double)

    /// Everything around a plot box: the title above it, grid lines (optional), tick marks and
    /// their labels, the frame, the axis labels, and a clip path `id` that keeps data inside.
    /// Ticks are given as (pixel position, value).
    static func frame(id: String, box: Box, pictureHeight: Int, title: String, xLabel: String, yLabel: String,
                      xTicks: [(Double, Double)], yTicks: [(Double, Double)], grid: Bool) -> String {
        let bottom = box.top + box.height, right = box.left + box.width
        var svg = ""
        if !title.isEmpty {
            svg += "<text x=\"\(coordinate(box.left + box.width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
        }
        svg += "<clipPath id=\"\(id)\"><rect x=\"\(box.left)\" y=\"\(box.top)\" width=\"\(box.width)\" height=\"\(box.height)\"/></clipPath>\n"
        if grid {
            svg += "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n"
            for (x, _) in xTicks { svg += "<line x1=\"\(coordinate(x))\" y1=\"\(box.top)\" x2=\"\(coordinate(x))\" y2=\"\(bottom)\"/>\n" }
            for (y, _) in yTicks { svg += "<line x1=\"\(box.left)\" y1=\"\(coordinate(y))\" x2=\"\(right)\" y2=\"\(coordinate(y))\"/>\n" }
            svg += "</g>\n"
        }
        svg += "<g font-size=\"11\" fill=\"#333\" stroke=\"#333\">\n"
        for (x, value) in xTicks {
            svg += "<line x1=\"\(coordinate(x))\" y1=\"\(bottom)\" x2=\"\(coordinate(x))\" y2=\"\(bottom + 5)\"/>"
            svg += "<text x=\"\(coordinate(x))\" y=\"\(coordinate(bottom + 18))\" text-anchor=\"middle\" stroke=\"none\">\(label(value))</text>\n"
        }
        for (y, value) in yTicks {
            svg += "<line x1=\"\(box.left - 5)\" y1=\"\(coordinate(y))\" x2=\"\(box.left)\" y2=\"\(coordinate(y))\"/>"
            svg += "<text x=\"\(box.left - 8)\" y=\"\(coordinate(y + 4))\" text-anchor=\"end\" stroke=\"none\">\(label(value))</text>\n"
        }
        svg += "</g>\n"
        svg += "<rect x=\"\(box.left)\" y=\"\(box.top)\" width=\"\(box.width)\" height=\"\(box.height)\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(coordinate(box.left + box.width / 2))\" y=\"\(Double(pictureHeight) - 12)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16,\(coordinate(box.top + box.height / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        return svg
    }

    /// The size of a legend box for these names.
    static func legendSize(_ names: [String]) -> (width: Double, height: Double) {
        (Double(names.map(\.count).max() ?? 0) * 7.2 + 44, Double(names.count) * 18 + 8)
    }

    /// A legend box with its top-left corner at (`left`, `top`): a line sample (dashed or
    /// not) in each entry's colour, then its name.
    static func legend(_ entries: [(name: String, color: String, dashed: Bool)], left: Double, top: Double) -> String {
        guard !entries.isEmpty else { return "" }
        let size = legendSize(entries.map(\.name))
        var svg = "<g font-size=\"12\">\n<rect x=\"\(coordinate(left))\" y=\"\(coordinate(top))\" width=\"\(coordinate(size.width))\" height=\"\(coordinate(size.height))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n"
        for (i, entry) in entries.enumerated() {
            let y = top + 16 + Double(i) * 18
            let dash = entry.dashed ? " stroke-dasharray=\"6 4\"" : ""
            svg += "<line x1=\"\(coordinate(left + 8))\" y1=\"\(coordinate(y - 4))\" x2=\"\(coordinate(left + 30))\" y2=\"\(coordinate(y - 4))\" stroke=\"\(entry.color)\" stroke-width=\"2.5\"\(dash)/>\n"
            svg += "<text x=\"\(coordinate(left + 36))\" y=\"\(coordinate(y))\">\(escape(entry.name))</text>\n"
        }
        return svg + "</g>\n"
    }

    /// Writes text to a file, creating its folder if needed.
    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
