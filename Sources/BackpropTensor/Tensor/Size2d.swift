// The sizes of 2-D convolution and pooling, per spatial axis.

/// A size per spatial axis, `(height, width)`; an integer literal means the same for both.
/// ```swift
/// let square: Size2d = 3          // 3 × 3
/// let wide: Size2d = [1, 5]       // 1 × 5
/// ```
public struct Size2d: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Along the height axis.
    public var height: Int
    /// Along the width axis.
    public var width: Int
    /// A size of `height` × `width`.
    public init(_ height: Int, _ width: Int) { self.height = height; self.width = width }
    /// The same size on both axes.
    public init(integerLiteral value: Int) { self.init(value, value) }
    /// `[height, width]`.
    public init(arrayLiteral elements: Int...) {
        guard elements.count == 2 else { fatalError("Size2d: expected [height, width], got \(elements)") }
        self.init(elements[0], elements[1])
    }
    /// `(height, width)`.
    public var description: String { "(\(height), \(width))" }
}

/// The zero padding of a convolution, as PyTorch's `padding` argument: a number or a pair
/// (`padding: 2`, `padding: [1, 2]`), `.valid` (none) or `.same` (stride 1 only; the output has
/// the input's size, an odd total padding putting the extra row or column at the bottom/right).
public enum Conv2dPadding: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// This many zeros on both sides of each axis.
    case explicit(Size2d)
    /// No padding.
    case valid
    /// Enough padding to keep the input size (stride 1).
    case same
    /// The same padding on both axes.
    public init(integerLiteral value: Int) { self = .explicit(Size2d(value, value)) }
    /// `[height, width]` padding.
    public init(arrayLiteral elements: Int...) {
        guard elements.count == 2 else { fatalError("Conv2dPadding: expected [height, width], got \(elements)") }
        self = .explicit(Size2d(elements[0], elements[1]))
    }
}
