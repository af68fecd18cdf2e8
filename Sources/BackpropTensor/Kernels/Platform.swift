// The one file that names the platform's C library module. Every other file reaches the C
// library through Foundation (which re-exports it on Linux, Musl and Apple platforms) or through
// this file; scripts/check-platform-calls.sh (run by CI) fails on any other file in Sources/ that
// imports Glibc, Musl, Darwin or ucrt, qualifies a call with them, or tests `canImport` /
// `os(...)` for them.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#else
#error("Backprop needs a C library module (Glibc, Musl, Darwin or ucrt)")
#endif

/// The C library calls Backprop makes outside Foundation and libm's element functions (below):
/// `pow` and `cos` for the optimizers' and schedulers' scalar formulas and the normal
/// distribution, the processor count, aligned allocation for tensor memory and a raw `write(2)`.
package enum Platform {
    /// `x^y` (libm `pow`).
    @inline(__always) package static func pow(_ x: Double, _ y: Double) -> Double { Double.pow(x, y) }
    /// Cosine (libm `cos`).
    @inline(__always) package static func cos(_ x: Double) -> Double { cCos(x) }

    /// The number of processors currently online (at least 1).
    package static var activeProcessorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// `posix_memalign`: `byteCount` bytes aligned to `alignment` (a power of two, at least the
    /// pointer size), or nil when the system cannot provide them.
    package static func alignedAllocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        var pointer: UnsafeMutableRawPointer?
        return posix_memalign(&pointer, alignment, byteCount) == 0 ? pointer : nil
    }

    /// `free(3)` for memory from ``alignedAllocate(byteCount:alignment:)``.
    package static func free(_ pointer: UnsafeMutableRawPointer) { cFree(pointer) }

    /// `write(2)`: writes up to `count` bytes to the file descriptor, returns the number written
    /// or -1 with `errno` set.
    package static func write(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        cWrite(descriptor, bytes, count)
    }
}

// The element functions of ``TensorScalar`` (declared in DType.swift): libm's, unchanged, so
// Float and Double tensors round exactly as the platform's C library does.
extension Float {
    /// `e^x` (libm `expf`).
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    /// Natural logarithm (libm `logf`).
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    /// Hyperbolic tangent (libm `tanhf`).
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    /// Error function (libm `erff`).
    @inline(__always) public static func erf(_ x: Float) -> Float { erff(x) }
    /// `x^y` (libm `powf`).
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    /// `log(1 + x)`, accurate near 0 (libm `log1pf`).
    @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
}

// Inside `extension Double` the unqualified C names would find these members themselves, so
// they call file-scope forwarders.
extension Double {
    /// `e^x` (libm `exp`).
    @inline(__always) public static func exp(_ x: Double) -> Double { cExp(x) }
    /// Natural logarithm (libm `log`).
    @inline(__always) public static func log(_ x: Double) -> Double { cLog(x) }
    /// Hyperbolic tangent (libm `tanh`).
    @inline(__always) public static func tanh(_ x: Double) -> Double { cTanh(x) }
    /// Error function (libm `erf`).
    @inline(__always) public static func erf(_ x: Double) -> Double { cErf(x) }
    /// `x^y` (libm `pow`).
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
    /// `log(1 + x)`, accurate near 0 (libm `log1p`).
    @inline(__always) public static func log1p(_ x: Double) -> Double { cLog1p(x) }
}

@inline(__always) private func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func cTanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func cErf(_ x: Double) -> Double { erf(x) }
@inline(__always) private func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func cLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func cCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func cWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
@inline(__always) private func cFree(_ pointer: UnsafeMutableRawPointer) { free(pointer) }
