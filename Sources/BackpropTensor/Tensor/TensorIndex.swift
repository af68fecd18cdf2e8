/// One entry of a subscript on a ``Tensor`` or ``Variable``, as in PyTorch's basic indexing:
/// `x[2]` picks an entry and drops the axis (negative counts from the end: `x[-1]`),
/// `x[1..<3]` keeps the axis, `x[.stride(by: 2)]` takes every second entry, `...` (or
/// `.all`) takes a whole axis, `.ellipsis` stands for as many whole axes as needed and
/// `.newAxis` inserts an axis of size 1. Axes left out at the end are taken whole, so `t[0]`
/// on a matrix is its first row.
/// ```swift
/// let t = Tensor([[1, 2, 3], [4, 5, 6]])
/// t[0]            // tensor([1., 2., 3.])
/// t[..., 1]       // the second column: tensor([2., 5.])
/// t[-1, 1...]     // tensor([5., 6.])
/// ```
public enum TensorIndex: Sendable, Equatable {
    /// One position; the axis is dropped.
    case index(Int)
    /// `start..<end` in steps of `step` (bounds may be negative; `nil` means the edge); the
    /// axis is kept.
    case slice(start: Int?, end: Int?, step: Int)
    /// As many whole axes as the other entries leave (Python's `...`); written `.ellipsis`.
    case remainingAxes
    /// A new axis of size 1 (Python's `None`); written `.newAxis`.
    case insertedAxis
}

/// Something that can stand in a tensor subscript: `Int`, the range types, ``TensorIndex``.
public protocol TensorIndexConvertible {
    /// The entry this value stands for.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndexConvertible where Self == TensorIndex {
    /// The whole axis (Python's `:`).
    public static var all: TensorIndex { .slice(start: nil, end: nil, step: 1) }
    /// As many whole axes as needed (Python's `...`).
    public static var ellipsis: TensorIndex { .remainingAxes }
    /// A new axis of size 1 (Python's `None`).
    public static var newAxis: TensorIndex { .insertedAxis }
    /// Every `step`-th entry from `start` up to (not including) `end` (Python's `start:end:step`).
    public static func stride(from start: Int? = nil, to end: Int? = nil, by step: Int) -> TensorIndex {
        .slice(start: start, end: end, step: step)
    }
}

extension TensorIndex: TensorIndexConvertible {
    /// Itself.
    public var tensorIndex: TensorIndex { self }
}
extension Int: TensorIndexConvertible {
    /// `.index(self)`.
    public var tensorIndex: TensorIndex { .index(self) }
}
extension Range: TensorIndexConvertible where Bound == Int {
    /// `lowerBound..<upperBound`.
    public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: upperBound, step: 1) }
}
extension ClosedRange: TensorIndexConvertible where Bound == Int {
    /// `lowerBound...upperBound`; `...-1` reaches the end.
    public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: upperBound == -1 ? nil : upperBound + 1, step: 1) }
}
extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    /// From `lowerBound` to the end.
    public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: nil, step: 1) }
}
extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    /// From the start up to (not including) `upperBound`.
    public var tensorIndex: TensorIndex { .slice(start: nil, end: upperBound, step: 1) }
}
extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    /// From the start through `upperBound`.
    public var tensorIndex: TensorIndex { .slice(start: nil, end: upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

/// A subscript resolved against a shape: the positions taken along each axis and the shape of
/// the result, with the flat offsets of the selected elements in result order.
package struct IndexPlan {
    package let sourceShape: [Int]
    package let outputShape: [Int]
    /// `offsets[i]` is the source offset of the result's element `i`.
    package let offsets: [Int]

    package init(_ entries: [TensorIndex], shape: [Int]) {
        func fail(_ reason: String) -> Never {
            fatalError("subscript \(IndexPlan.text(entries)) on shape \(shape): \(reason)")
        }
        let explicitAxes = entries.filter { $0 != .remainingAxes && $0 != .insertedAxis }.count
        if entries.filter({ $0 == .remainingAxes }).count > 1 { fail("at most one .ellipsis") }
        if explicitAxes > shape.count { fail("\(explicitAxes) indices for \(shape.count) axes") }
        var expanded: [TensorIndex] = []
        for entry in entries {
            if entry == .remainingAxes {
                expanded += Array(repeating: .all, count: shape.count - explicitAxes)
            } else {
                expanded.append(entry)
            }
        }
        let taken = expanded.filter { $0 != .insertedAxis }.count
        expanded += Array(repeating: .all, count: shape.count - taken)

        var axis = 0, outShape: [Int] = [], offsets = [0]
        let strides = Shape.strides(of: shape)
        for entry in expanded {
            let picked: [Int]
            switch entry {
            case .insertedAxis:
                outShape.append(1)
                continue
            case .index(let i):
                let n = shape[axis]
                guard i >= -n && i < n else { fail("index \(i) is out of range for axis \(axis) of size \(n)") }
                picked = [i < 0 ? i + n : i]
            case .slice(let start, let end, let step):
                guard step > 0 else { fail("a step must be positive, got \(step)") }
                let n = shape[axis]
                func clamp(_ b: Int?, _ edge: Int) -> Int { b.map { Swift.min(Swift.max($0 < 0 ? $0 + n : $0, 0), n) } ?? edge }
                picked = Array(Swift.stride(from: clamp(start, 0), to: clamp(end, n), by: step))
                outShape.append(picked.count)
            case .remainingAxes:
                fatalError("unreachable: the ellipsis was expanded")
            }
            let stride = strides[axis]
            offsets = offsets.flatMap { o in picked.map { o + $0 * stride } }
            axis += 1
        }
        sourceShape = shape
        outputShape = outShape
        self.offsets = offsets
    }

    /// The selected elements of `source`, shaped `outputShape`.
    package func gather(_ source: Tensor) -> Tensor {
        var out = Tensor(uninitializedShape: outputShape, dtype: source.dtype)
        func run<T: TensorScalar>(_: T.Type) {
            source.withPointer(T.self) { src in
                out.withMutablePointer(T.self) { dst in for (i, o) in offsets.enumerated() { dst[i] = src[o] } }
            }
        }
        switch source.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    /// `target` with `values` (broadcast to `outputShape`) written at the selected places, or
    /// added to them when `accumulate` is true.
    package func scatter(_ values: Tensor, into target: Tensor, accumulate: Bool) -> Tensor {
        var out = target
        let v = values.converted(to: target.dtype).broadcast(to: outputShape)
        func run<T: TensorScalar>(_: T.Type) {
            v.withPointer(T.self) { src in
                out.withMutablePointer(T.self) { dst in
                    for (i, o) in offsets.enumerated() { dst[o] = accumulate ? dst[o] + src[i] : src[i] }
                }
            }
        }
        switch target.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        }
        return out
    }

    package static func text(_ entries: [TensorIndex]) -> String {
        "[" + entries.map { entry in
            switch entry {
            case .index(let i): return "\(i)"
            case .slice(let s, let e, let step): return "\(s.map(String.init) ?? ""):\(e.map(String.init) ?? "")" + (step == 1 ? "" : ":\(step)")
            case .remainingAxes: return "..."
            case .insertedAxis: return "None"
            }
        }.joined(separator: ", ") + "]"
    }
}
