import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Every value a variable was computed from, in forward order, each with a display name:
/// its ``Variable/label`` or, for unlabelled values, `v1`, `v2`, ... in the order they were
/// computed. ``GraphvizExport`` and ``BackwardTrace`` share it, so one graph gets the same
/// names in the picture and in the trace.
///
/// Unlike ``Variable/topologicalOrder()`` it also visits inputs that need no gradient
/// (the data `x`, constants), because a picture of the graph should show them.
public struct GraphWalk {
    /// The values, each after all of its inputs (leaves first, the root last).
    public let values: [Variable]
    /// The operations that made them, in the same order.
    public let operations: [BackpropAutograd.Operation]
    private let names: [ObjectIdentifier: String]

    /// Walks the graph that produced `root`.
    public init(from root: Variable) {
        // Iterative depth-first search: a recursive walk overflows the stack on deep graphs.
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, expanded: Bool)] = [(root, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            // Pushed in reverse so the first input is visited (and named) first.
            for input in (node.creator?.inputs ?? []).reversed() where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        var names: [ObjectIdentifier: String] = [:]
        var unnamed = 0
        for value in order {
            if let label = value.label {
                names[ObjectIdentifier(value)] = label
            } else {
                unnamed += 1
                names[ObjectIdentifier(value)] = "v\(unnamed)"
            }
        }
        self.values = order
        self.operations = order.compactMap(\.creator)
        self.names = names
    }

    /// The display name of a value of this graph (`?` for a value from outside it).
    public func name(of value: Variable) -> String {
        names[ObjectIdentifier(value)] ?? "?"
    }
}

/// Number formatting for the teaching tools: short, and the same in pictures and traces.
enum TeachingFormat {
    /// Up to 4 decimals without trailing zeros (`-3`, `0.5`, `0.7071`), scientific notation
    /// for very small or large magnitudes.
    static func number(_ v: Double) -> String {
        if v == 0 || v.isNaN || v.isInfinite { return v == 0 ? "0" : "\(v)" }
        let magnitude = Swift.abs(v)
        guard magnitude >= 1e-3 && magnitude < 1e6 else { return String(format: "%.3e", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// The elements nested by axis (`[[1, 2], [3, 4]]`) when there are at most `limit` of
    /// them, otherwise only the shape (`tensor [128, 10]`).
    static func tensor(_ t: Tensor, limit: Int = 8) -> String {
        guard t.count <= limit else { return "tensor \(t.shape)" }
        let values = t.scalars(as: Double.self)
        if t.rank == 0 { return number(values[0]) }
        var offset = 0
        func render(_ axis: Int) -> String {
            let parts = (0..<t.shape[axis]).map { _ -> String in
                if axis == t.rank - 1 { defer { offset += 1 }; return number(values[offset]) }
                return render(axis + 1)
            }
            return "[" + parts.joined(separator: ", ") + "]"
        }
        return render(0)
    }
}
