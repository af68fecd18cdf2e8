/// An n-dimensional array of floating-point numbers, stored row-major (the last axis varies
/// fastest), with value semantics.
///
/// A `Tensor` is a plain value: it records no graph (that is ``Variable``'s job). Copies share
/// storage until one of them is mutated (copy-on-write).
///
/// ```swift
/// let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
/// let b = Tensor([10, 20, 30], shape: [3])
/// print(a + b)            // broadcasting: b is added to each row
/// ```
public struct Tensor: @unchecked Sendable {
    /// The size of each axis; `[]` for a scalar.
    public private(set) var shape: [Int]
    @usableFromInline package var buffer: TensorBuffer

    /// The element type.
    public var dtype: DType { buffer.dtype }

    /// The number of elements (the product of `shape`; 1 for a scalar).
    public var count: Int { buffer.count }
    /// The number of axes.
    public var rank: Int { shape.count }
    /// Whether this tensor holds exactly one element.
    public var isScalar: Bool { buffer.count == 1 }

    init(shape: [Int], buffer: TensorBuffer) {
        self.shape = shape
        self.buffer = buffer
    }

    /// A tensor of the given shape whose elements are not yet set; kernels fill it.
    @usableFromInline package init(uninitializedShape shape: [Int], dtype: DType) {
        let n = Shape.count(of: shape, in: "Tensor")
        guard n <= Int.max / dtype.byteSize else {
            fatalError("Tensor: shape \(shape) has \(n) elements of \(dtype.byteSize) bytes, more bytes than fit in an Int")
        }
        self.shape = shape
        self.buffer = TensorBuffer(count: n, dtype: dtype)
    }

    /// Reads the elements through a typed pointer. `T` must match ``dtype``.
    @inline(__always)
    @usableFromInline package func withPointer<T: TensorScalar, R>(_: T.Type, _ body: (UnsafePointer<T>) throws -> R) rethrows -> R {
        try body(UnsafePointer(buffer.pointer(T.self)))
    }

    /// Writes the elements through a typed pointer, copying the storage first if it is shared.
    @inline(__always)
    @usableFromInline package mutating func withMutablePointer<T: TensorScalar, R>(_: T.Type, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(buffer.pointer(T.self))
    }

    /// Gives this tensor storage of its own (copy-on-write).
    package mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
    }

    /// The elements in row-major order, converted to `T`.
    public func scalars<T: TensorScalar>(as type: T.Type = Float.self) -> [T] {
        func run<S: TensorScalar>(_: S.Type) -> [T] { withPointer(S.self) { p in (0..<count).map { T(p[$0]) } } }
        switch dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        }
    }

    /// The value of a one-element tensor.
    public func item<T: TensorScalar>(as type: T.Type = Float.self) -> T {
        guard count == 1 else {
            fatalError("item(): the tensor has shape \(shape) (\(count) elements); item() needs exactly one element")
        }
        return element(at: 0, as: T.self)
    }

    /// The element at a flat (row-major) offset.
    func element<T: TensorScalar>(at offset: Int, as: T.Type) -> T {
        func run<S: TensorScalar>(_: S.Type) -> T { T(buffer.pointer(S.self)[offset]) }
        switch dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        }
    }

    /// The element at the given indices, one per axis, where a `Double` is expected
    /// (`let v: Double = t[1, 2]`, `t[1, 2] = 5`); elsewhere `t[1, 2]` is a tensor (see
    /// ``TensorIndex``).
    @_disfavoredOverload
    public subscript(indices: Int...) -> Double {
        get { element(at: flatOffset(indices), as: Double.self) }
        set {
            let offset = flatOffset(indices)
            makeUnique()
            func run<T: TensorScalar>(_: T.Type) { buffer.pointer(T.self)[offset] = T(newValue) }
            switch dtype {
            case .float32: run(Float.self)
            case .float64: run(Double.self)
            }
        }
    }

    func flatOffset(_ indices: [Int]) -> Int {
        guard indices.count == rank else {
            fatalError("subscript: \(indices.count) indices given for a tensor of rank \(rank) (shape \(shape))")
        }
        var offset = 0
        for (axis, index) in indices.enumerated() {
            guard index >= 0 && index < shape[axis] else {
                fatalError("subscript: index \(index) is out of range for axis \(axis) of size \(shape[axis]) (shape \(shape))")
            }
            offset = offset * shape[axis] + index
        }
        return offset
    }

    /// The same elements under a new shape with the same element count; `-1` in one place
    /// stands for "whatever size makes the count match". Shares storage (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: Shape.resolveReshape(newShape, count: count, from: shape), buffer: buffer)
    }

    /// The same values converted to another element type.
    public func converted(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        var out = Tensor(uninitializedShape: shape, dtype: dtype)
        let n = count
        switch (self.dtype, dtype) {
        case (.float32, .float64):
            withPointer(Float.self) { src in out.withMutablePointer(Double.self) { dst in for i in 0..<n { dst[i] = Double(src[i]) } } }
        case (.float64, .float32):
            withPointer(Double.self) { src in out.withMutablePointer(Float.self) { dst in for i in 0..<n { dst[i] = Float(src[i]) } } }
        default: break
        }
        return out
    }
}
