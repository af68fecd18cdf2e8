import Foundation

// Printing tensors exactly as PyTorch prints them (torch/_tensor_str.py, default options:
// 4 digits, 80 columns, summarised past 1000 elements showing 3 items at each edge), so that
// numbers can be compared with a PyTorch session by eye.

extension Tensor: CustomStringConvertible {
    /// The values as PyTorch prints them: `tensor([[0.5000, 1.2500], ...])`, every value with
    /// one format (fixed with 4 decimals, whole numbers as `2.`, or scientific when the
    /// magnitudes span more than 1000×), in aligned columns, rounded (2/3 prints `0.6667`);
    /// past 1000 elements only the first and last 3 entries of each axis. `float64` tensors end
    /// in `dtype=float64`.
    public var description: String {
        TensorPrinter(self).text(prefix: "tensor(", suffixes: dtype == .float32 ? [] : ["dtype=\(dtype)"])
    }
}

/// The rendering rules of PyTorch's `_tensor_str`, for one tensor.
package struct TensorPrinter {
    static let edgeItems = 3, threshold = 1000, lineWidth = 80
    let shape: [Int]
    let strides: [Int]
    let values: [Double]
    let summarize: Bool

    package init(_ tensor: Tensor) {
        shape = tensor.shape
        strides = Shape.strides(of: tensor.shape)
        values = tensor.scalars(as: Double.self)
        summarize = tensor.count > TensorPrinter.threshold
    }

    /// `prefix` + the values + the suffixes (`requires_grad=True`, ...) + `)`, each suffix on
    /// a new line when it would pass the line width.
    package func text(prefix: String, suffixes: [String]) -> String {
        let indent = prefix.count
        var body: String
        var suffixes = suffixes
        if values.isEmpty {
            body = "[]"
            if shape != [0] { suffixes.insert("size=(\(shape.map(String.init).joined(separator: ", ")))", at: 0) }
        } else {
            let formatter = ValueFormatter(shown(axis: 0, offset: 0))
            body = render(axis: 0, offset: 0, indent: indent, formatter)
        }
        var out = prefix + body
        let lastNewline = out.lastIndex(of: "\n").map { out.distance(from: out.startIndex, to: $0) } ?? -1
        var lastLineLength = out.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > TensorPrinter.lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                out += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return out + ")"
    }

    /// The positions printed along `axis`: all, or the first and last few with `nil` between.
    private func positions(_ axis: Int) -> [Int?] {
        let n = shape[axis], e = TensorPrinter.edgeItems
        guard summarize && n > 2 * e else { return Array(0..<n) }
        return Array(0..<e) + [nil] + Array((n - e)..<n)
    }

    /// The values that will be printed, which alone decide the format.
    private func shown(axis: Int, offset: Int) -> [Double] {
        if shape.isEmpty { return values }
        return positions(axis).compactMap { $0 }.flatMap { i in
            axis == shape.count - 1 ? [values[offset + i]] : shown(axis: axis + 1, offset: offset + i * strides[axis])
        }
    }

    private func render(axis: Int, offset: Int, indent: Int, _ formatter: ValueFormatter) -> String {
        if shape.isEmpty { return formatter.format(values[0]) }
        let rank = shape.count
        if axis == rank - 1 {
            let items = positions(axis).map { $0.map { formatter.format(values[offset + $0]) } ?? " ..." }
            let perLine = Swift.max(1, (TensorPrinter.lineWidth - indent) / (formatter.width + 2))
            let lines = stride(from: 0, to: items.count, by: perLine).map {
                items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let slices = positions(axis).map { i in
            i.map { render(axis: axis + 1, offset: offset + $0 * strides[axis], indent: indent + 1, formatter) } ?? "..."
        }
        let separator = "," + String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }
}

/// PyTorch's `_Formatter`: one number format for the whole tensor, chosen from its nonzero
/// finite values, and the column width that fits them all.
struct ValueFormatter {
    private(set) var integerMode = true
    private(set) var scientific = false
    private(set) var width = 1
    static let precision = 4

    init(_ values: [Double]) {
        let finite = values.filter { $0.isFinite && $0 != 0 }
        guard !finite.isEmpty else { return }
        let magnitudes = finite.map { Swift.abs($0) }
        let low = magnitudes.min()!, high = magnitudes.max()!
        integerMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        scientific = high / low > 1000 || high > 1e8 || (!integerMode && low < 1e-4)
        for v in finite {
            let text = scientific ? Self.printf("%.\(Self.precision)e", v)
                : integerMode ? Self.printf("%.0f", v) + "." : Self.printf("%.\(Self.precision)f", v)
            width = Swift.max(width, text.count)
        }
    }

    /// One value, right-aligned to the common width.
    func format(_ v: Double) -> String {
        let text: String
        if scientific {
            text = v.isFinite ? Self.printf("%.\(Self.precision)e", v) : Self.nonFinite(v)
        } else if integerMode {
            text = v.isFinite ? Self.printf("%.0f", v) + "." : Self.nonFinite(v)
        } else {
            text = v.isFinite ? Self.printf("%.\(Self.precision)f", v) : Self.nonFinite(v)
        }
        return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }

    private static func nonFinite(_ v: Double) -> String { v.isNaN ? "nan" : v < 0 ? "-inf" : "inf" }

    /// C's correctly rounded conversion, the same digits as Python's `format`.
    private static func printf(_ format: String, _ v: Double) -> String { String(format: format, v) }
}

extension Tensor: Equatable {
    /// Exact equality: same shape, element type and elements.
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.dtype == b.dtype && a.scalars(as: Double.self) == b.scalars(as: Double.self)
    }
}
