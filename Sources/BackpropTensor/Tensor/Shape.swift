/// Shape arithmetic shared by the tensor kernels: element counts, strides, broadcasting.
@usableFromInline package enum Shape {
    /// The element count of a shape, with a clear error for negative or overflowing sizes.
    static func count(of shape: [Int], in operation: String) -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { fatalError("\(operation): negative dimension \(d) in shape \(shape)") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { fatalError("\(operation): shape \(shape) has more elements than fit in an Int") }
            n = p
        }
        return n
    }

    /// Row-major strides (in elements) of a shape.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = s
            s *= shape[axis]
        }
        return strides
    }

    /// The shape two shapes broadcast to under NumPy's rules: align at the trailing axis; each
    /// pair of sizes must be equal or one of them 1.
    @usableFromInline package static func broadcast(_ a: [Int], _ b: [Int], operation: String) -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da }
            else if da == 1 { out[i] = db }
            else {
                fatalError("\(operation): shapes \(a) and \(b) cannot be broadcast together (axis \(i) from the left of the aligned shapes: \(da) vs \(db))")
            }
        }
        return out
    }

    /// Strides for reading a tensor of `shape` as if it had the (broadcast) shape `target`:
    /// stride 0 along axes where the tensor has size 1 or is missing.
    @usableFromInline package static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + offset] == 1 {
            out[i + offset] = shape[i] == 1 ? 0 : own[i]
        }
        return out
    }

    /// Calls `body(row, a, b)` for every row (run along the last axis) of `shape`, in row-major
    /// order, with the offsets of that row's first element in two operands read through the
    /// strides `aStrides` and `bStrides` (0 along broadcast or reduced axes). This is the
    /// odometer every strided kernel walks: the last index that overflows resets to 0 and
    /// carries into the axis before it. A scalar shape has one row; an empty one none.
    @inline(__always)
    static func forEachRow(_ shape: [Int], _ aStrides: [Int], _ bStrides: [Int],
                           _ body: (_ row: Int, _ a: Int, _ b: Int) -> Void) {
        let rank = shape.count
        if rank == 0 { body(0, 0, 0); return }
        let rows = shape.dropLast().reduce(1, *)
        if rows == 0 || shape[rank - 1] == 0 { return }
        var index = [Int](repeating: 0, count: rank)
        var a = 0, b = 0
        for row in 0..<rows {
            body(row, a, b)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                a += aStrides[axis]
                b += bStrides[axis]
                if index[axis] < shape[axis] { break }
                a -= aStrides[axis] * shape[axis]
                b -= bStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// ``forEachRow(_:_:_:_:)`` for one strided operand.
    @inline(__always)
    static func forEachRow(_ shape: [Int], _ strides: [Int], _ body: (_ row: Int, _ offset: Int) -> Void) {
        forEachRow(shape, strides, strides) { row, a, _ in body(row, a) }
    }

    /// Normalises an axis (negative counts from the end) and checks it against the rank.
    package static func axis(_ axis: Int, rank: Int, operation: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < max(rank, 1) else {
            fatalError("\(operation): axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }

    static func resolveReshape(_ newShape: [Int], count: Int, from shape: [Int]) -> [Int] {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1 else { fatalError("reshape: more than one -1 in \(newShape)") }
        if let i = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                fatalError("reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
            }
            resolved[i] = count / known
        }
        guard resolved.allSatisfy({ $0 >= 0 }), Shape.count(of: resolved, in: "reshape") == count else {
            fatalError("reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        return resolved
    }
}
