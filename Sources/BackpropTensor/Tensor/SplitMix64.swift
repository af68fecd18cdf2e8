#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood, 2014): a small, fast, seedable generator that gives the
/// same sequence on every platform.
///
/// Every random draw in Backprop (initial weights, shuffles, dropout masks) comes from one of
/// these, so the same seed gives the same numbers everywhere, and the same numbers as the
/// benchmark peers in `../shared/bench` (which define the float conversion below).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The whole state of the generator: save it to resume a run's random draws exactly
    /// (`SplitMix64(seed: saved.state)` continues where `saved` stopped).
    public var state: UInt64

    /// A generator starting from `seed` (its state is the seed itself).
    public init(seed: UInt64) { state = seed }

    /// `state += 0x9E3779B97F4A7C15; z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
    /// z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)`, all modulo 2^64.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 24 random bits: `Double(next() >> 40) * 2^-24`.
    @inlinable public mutating func nextUnit() -> Double {
        Double(next() >> 40) * 0x1p-24
    }

    /// A uniform number in [lo, hi): `lo + (hi - lo) * u`, computed in `Double`.
    @inlinable public mutating func nextUniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * nextUnit()
    }

    /// A standard normal number by the Box–Muller transform of two uniform draws
    /// `z = sqrt(-2 ln(1 - u1)) * cos(2π u2)`.
    public mutating func nextNormal() -> Double {
        let u1 = nextUnit(), u2 = nextUnit()
        return (-2 * _log(1 - u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
