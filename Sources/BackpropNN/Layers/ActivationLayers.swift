import BackpropTensor
import BackpropAutograd
// Activation functions as layers, so they can sit in a `Sequential`. Each forwards to the
// `Variable` operation of the same name (see Operations/Activations.swift for the derivatives).

/// `max(x, 0)`.
public final class ReLU: Module {
    /// Creates the layer (it has no parameters).
    public init() {}
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.relu() }
}

/// `tanh(x)`.
public final class Tanh: Module {
    /// Creates the layer (it has no parameters).
    public init() {}
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.tanh() }
}

/// `σ(x) = 1 / (1 + e^-x)`.
public final class Sigmoid: Module {
    /// Creates the layer (it has no parameters).
    public init() {}
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.sigmoid() }
}

/// `x` for `x > 0`, else `negativeSlope · x` (default 0.01, as PyTorch).
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let negativeSlope: Double
    /// Creates the layer with the given negative slope.
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope }
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.leakyRelu(negativeSlope: negativeSlope) }
}

/// `x · Φ(x)`, or its tanh approximation when `approximate` is true.
public final class GELU: Module {
    /// Whether to use the tanh approximation (PyTorch's `approximate="tanh"`).
    public let approximate: Bool
    /// Creates the layer; exact (erf) GELU by default.
    public init(approximate: Bool = false) { self.approximate = approximate }
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.gelu(approximate: approximate) }
}

/// `(1/β) ln(1 + e^(βx))`, linear above `threshold` (defaults β = 1, threshold = 20).
public final class Softplus: Module {
    /// `β` and the threshold above which the layer is linear.
    public let beta: Double, threshold: Double
    /// Creates the layer with PyTorch's defaults β = 1, threshold = 20.
    public init(beta: Double = 1, threshold: Double = 20) { self.beta = beta; self.threshold = threshold }
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.softplus(beta: beta, threshold: threshold) }
}

/// `x` for `x > 0`, else `α(e^x - 1)` (default α = 1).
public final class ELU: Module {
    /// The scale of the negative branch.
    public let alpha: Double
    /// Creates the layer with the given `α`.
    public init(alpha: Double = 1) { self.alpha = alpha }
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable { input.elu(alpha: alpha) }
}

/// Merges axes `startAxis...endAxis` into one (defaults: everything after the batch axis),
/// like PyTorch's `nn.Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: Module {
    /// The first and last axes merged (negative counts from the end).
    public let startAxis: Int, endAxis: Int
    /// Creates the layer; by default it keeps the batch axis and merges the rest.
    public init(startAxis: Int = 1, endAxis: Int = -1) { self.startAxis = startAxis; self.endAxis = endAxis }
    /// The activation applied elementwise (Flatten: the axes merged).
    public func callAsFunction(_ input: Variable) -> Variable {
        let rank = input.rank
        let start = startAxis < 0 ? startAxis + rank : startAxis
        let end = endAxis < 0 ? endAxis + rank : endAxis
        guard start >= 0, end < rank, start <= end else {
            fatalError("Flatten: axes \(startAxis)...\(endAxis) are out of range for an input of shape \(input.shape)")
        }
        let shape = input.shape
        let merged = shape[start...end].reduce(1, *)
        return input.reshaped(Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }
}
