import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// The computation graph behind a variable as a Graphviz DOT picture: one box per value
/// (its name, shape, value when it has at most `valueLimit` elements, and gradient once
/// computed) and one ellipse per operation, with edges input → operation → output. Leaves are
/// filled: blue when they require a gradient (parameters), grey when not (data, constants).
/// Hovering over an operation in the SVG shows its derivative rule.
///
/// ```swift
/// let x = Variable(2.0, requiresGrad: true, label: "x")
/// let y = (x * x).tanh()
/// let picture = GraphvizExport(y)
/// print(picture.dot)                    // paste into any Graphviz viewer
/// try picture.render(to: URL(fileURLWithPath: "graph.svg"))  // needs `dot` installed
/// ```
///
/// A backward pass frees the graph it ran through (``Operation/isFreed``, as in PyTorch), so
/// export before calling ``Variable/backward(_:retainGraph:createGraph:observer:)``, or call
/// `backward(retainGraph: true)` to export afterwards with the gradients filled in. An
/// operation already freed is drawn with a note saying so.
public struct GraphvizExport: Sendable {
    /// The graph in the DOT language.
    public let dot: String

    /// Describes the graph that computed `root`, from its leaves to `root`.
    /// - Parameters:
    ///   - valueLimit: tensors with at most this many elements show their values and
    ///     gradients; larger ones show only their shape.
    ///   - leftToRight: lay the graph out from left to right (`rankdir=LR`) rather than top
    ///     to bottom.
    public init(_ root: Variable, valueLimit: Int = 8, leftToRight: Bool = true) {
        let graph = GraphWalk(from: root)
        var indices: [ObjectIdentifier: Int] = [:]
        for (index, value) in graph.values.enumerated() { indices[ObjectIdentifier(value)] = index }
        func id(_ value: Variable) -> String { "value\(indices[ObjectIdentifier(value)]!)" }

        var lines = ["digraph backprop {"]
        if leftToRight { lines.append("  rankdir=LR;") }
        lines.append("  node [fontname=\"Helvetica\", fontsize=11];")
        for value in graph.values {
            var fields = [graph.name(of: value), "shape \(value.shape)"]
            if value.value.count <= valueLimit { fields.append("value \(TeachingFormat.tensor(value.value, limit: valueLimit))") }
            if let grad = value.grad, grad.count <= valueLimit { fields.append("grad \(TeachingFormat.tensor(grad, limit: valueLimit))") }
            let style = value.isLeaf ? (value.requiresGrad ? ", style=filled, fillcolor=\"#dbe9f6\"" : ", style=filled, fillcolor=\"#eeeeee\"") : ""
            lines.append("  \(id(value)) [shape=box\(style), label=\(Self.quoted(fields))];")
        }
        for (index, value) in graph.values.enumerated() {
            guard let op = value.creator else { continue }
            let opID = "op\(index)"
            var label = [op.name]
            if op.isFreed { label.append("(freed by backward: export before backward, or backward(retainGraph: true))") }
            lines.append("  \(opID) [shape=ellipse, label=\(Self.quoted(label)), tooltip=\(Self.quoted([op.derivative]))\(op.isFreed ? ", style=dashed" : "")];")
            for input in op.inputs { lines.append("  \(id(input)) -> \(opID);") }
            lines.append("  \(opID) -> \(id(value));")
        }
        lines.append("}")
        dot = lines.joined(separator: "\n") + "\n"
    }

    /// A DOT string literal whose lines are the given fields, left-aligned.
    static func quoted(_ fields: [String]) -> String {
        let escaped = fields.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
        return "\"" + escaped.joined(separator: "\\l") + (fields.count > 1 ? "\\l" : "") + "\""
    }

    /// Writes the DOT text to a file.
    public func write(to dotURL: URL) throws {
        try Data(dot.utf8).write(to: dotURL, options: .atomic)
    }

    /// Draws the graph as an SVG file with Graphviz's `dot -Tsvg`.
    ///
    /// - Parameter searchPath: where to look for `dot`, a `:`-separated list of directories;
    ///   the `PATH` environment variable by default.
    /// - Throws: ``RenderError/graphvizNotInstalled`` (saying how to install it) when no `dot`
    ///   is found, ``RenderError/dotFailed(status:message:)`` when it fails.
    public func render(to svgURL: URL, searchPath: String? = nil) throws {
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard let executable = Self.findExecutable("dot", searchPath: path) else { throw RenderError.graphvizNotInstalled }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-graph-\(UUID().uuidString).dot")
        try write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = executable
        process.arguments = ["-Tsvg", input.path, "-o", svgURL.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Reading to the end before waiting: a full pipe would otherwise block `dot`.
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RenderError.dotFailed(status: process.terminationStatus, message: message)
        }
    }

    /// The first executable file called `name` in the directories of `searchPath`.
    static func findExecutable(_ name: String, searchPath: String) -> URL? {
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Why ``render(to:searchPath:)`` could not draw the graph.
    public enum RenderError: Error, CustomStringConvertible {
        /// No `dot` program was found in the search path.
        case graphvizNotInstalled
        /// `dot` exited with a failure status.
        case dotFailed(status: Int32, message: String)

        public var description: String {
            switch self {
            case .graphvizNotInstalled:
                return "GraphvizExport.render: the Graphviz program 'dot' was not found in PATH. Install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz), or write the DOT text with write(to:) and render it elsewhere."
            case let .dotFailed(status, message):
                return "GraphvizExport.render: 'dot -Tsvg' failed with status \(status): \(message)"
            }
        }
    }
}
