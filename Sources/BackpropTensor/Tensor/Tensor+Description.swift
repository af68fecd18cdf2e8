extension Tensor: CustomStringConvertible {
    /// The shape, element type and values, nested by axis like NumPy's output; axes longer than
    /// 6 show their first and last 3 entries around `...`.
    public var description: String {
        let values = scalars(as: Double.self)
        let header = "Tensor(shape: \(shape), dtype: \(dtype))"
        if rank == 0 { return "\(header) \(Tensor.format(values.first ?? 0))" }
        let strides = Shape.strides(of: shape)
        func render(_ axis: Int, _ offset: Int) -> String {
            let n = shape[axis]
            let shown: [Int?] = n > 6 ? [0, 1, 2, nil, n - 3, n - 2, n - 1] : (0..<n).map { $0 }
            let parts = shown.map { i -> String in
                guard let i else { return "..." }
                let o = offset + i * strides[axis]
                return axis == rank - 1 ? Tensor.format(values[o]) : render(axis + 1, o)
            }
            let separator = axis == rank - 1 ? ", " : ",\n" + String(repeating: " ", count: axis + 1)
            return "[" + parts.joined(separator: separator) + "]"
        }
        return "\(header)\n\(render(0, 0))"
    }

    static func format(_ v: Double) -> String {
        if v == v.rounded() && Swift.abs(v) < 1e7 { return String(Int(v)) + "." }
        let magnitude = Swift.abs(v)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            var s = String(v)
            if s.count > 9, let dot = s.firstIndex(of: ".") {
                let digits = s.distance(from: s.startIndex, to: dot)
                s = String(s.prefix(Swift.max(digits + 6, 8)))
            }
            return s
        }
        return String(v)
    }
}

extension Tensor: Equatable {
    /// Exact equality: same shape, element type and elements.
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.dtype == b.dtype && a.scalars(as: Double.self) == b.scalars(as: Double.self)
    }
}
