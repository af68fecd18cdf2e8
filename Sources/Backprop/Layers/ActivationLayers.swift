// Activation functions as layers, so they can sit in a `Sequential`. Each forwards to the
// `Variable` operation of the same name (see Operations/Activations.swift for the derivatives).

/// `max(x, 0)`.
public final class ReLU: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Variable) -> Variable { input.relu() }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// `tanh(x)`.
public final class Tanh: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Variable) -> Variable { input.tanh() }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// `σ(x) = 1 / (1 + e^-x)`.
public final class Sigmoid: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Variable) -> Variable { input.sigmoid() }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// `x` for `x > 0`, else `negativeSlope · x` (default 0.01, as PyTorch).
public final class LeakyReLU: Module {
    public var isTraining = true
    public let negativeSlope: Double
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope }
    public func callAsFunction(_ input: Variable) -> Variable { input.leakyRelu(negativeSlope: negativeSlope) }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// `x · Φ(x)`, or its tanh approximation when `approximate` is true.
public final class GELU: Module {
    public var isTraining = true
    public let approximate: Bool
    public init(approximate: Bool = false) { self.approximate = approximate }
    public func callAsFunction(_ input: Variable) -> Variable { input.gelu(approximate: approximate) }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// `(1/β) ln(1 + e^(βx))`, linear above `threshold` (defaults β = 1, threshold = 20).
public final class Softplus: Module {
    public var isTraining = true
    public let beta: Double, threshold: Double
    public init(beta: Double = 1, threshold: Double = 20) { self.beta = beta; self.threshold = threshold }
    public func callAsFunction(_ input: Variable) -> Variable { input.softplus(beta: beta, threshold: threshold) }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// `x` for `x > 0`, else `α(e^x - 1)` (default α = 1).
public final class ELU: Module {
    public var isTraining = true
    public let alpha: Double
    public init(alpha: Double = 1) { self.alpha = alpha }
    public func callAsFunction(_ input: Variable) -> Variable { input.elu(alpha: alpha) }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}

/// Merges axes `startAxis...endAxis` into one (defaults: everything after the batch axis),
/// like PyTorch's `nn.Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: Module {
    public var isTraining = true
    public let startAxis: Int, endAxis: Int
    public init(startAxis: Int = 1, endAxis: Int = -1) { self.startAxis = startAxis; self.endAxis = endAxis }
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
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
}
