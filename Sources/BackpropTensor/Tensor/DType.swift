#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The element type of a ``Tensor``.
///
/// Training runs in `float32`; `float64` exists so that gradient checks by finite differences
/// are accurate (see ``GradientCheck``).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE floating point (Swift `Float`), the default, as in PyTorch.
    case float32
    /// 64-bit IEEE floating point (Swift `Double`): opt in with `dtype: .float64` or a `[Double]` array.
    case float64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        }
    }

    public var description: String { rawValue }
}

/// A floating-point scalar type a ``Tensor`` can hold: `Float` or `Double`.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Sendable, LosslessStringConvertible, Codable {
    /// The ``DType`` that stores this scalar type.
    static var dtype: DType { get }
    /// Elementary functions, so generic kernels can call them without Foundation overloads.
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func log1p(_ x: Self) -> Self
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func erf(_ x: Float) -> Float { erff(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
}

extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
}
