import BackpropTensor
import BackpropAutograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Multiplies the rate by `gamma` every `stepSize` epochs: `lr = base · γ^⌊epoch / stepSize⌋`.
public final class StepLR: LRScheduler {
    /// The number of epochs between decays.
    public let stepSize: Int
    /// The factor applied at each decay.
    public let gamma: Double

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1) {
        require(stepSize > 0 && gamma.isFinite && gamma >= 0, "StepLR",
                "stepSize must be positive and gamma finite and >= 0, got stepSize \(stepSize), gamma \(gamma)")
        self.stepSize = stepSize
        self.gamma = gamma
        super.init(optimizer)
    }

    override public func learningRate(base: Double, epoch: Int) -> Double { base * pow(gamma, Double(epoch / stepSize)) }
    override public var settings: String { "stepSize: \(stepSize), gamma: \(gamma)" }
}

/// Multiplies the rate by `gamma` every epoch: `lr = base · γ^epoch`.
public final class ExponentialLR: LRScheduler {
    /// The factor applied at each decay.
    public let gamma: Double

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, gamma: Double) {
        require(gamma.isFinite && gamma >= 0, "ExponentialLR", "gamma must be finite and >= 0, got \(gamma)")
        self.gamma = gamma
        super.init(optimizer)
    }

    override public func learningRate(base: Double, epoch: Int) -> Double { base * pow(gamma, Double(epoch)) }
    override public var settings: String { "gamma: \(gamma)" }
}

/// Cosine annealing from the initial rate to `etaMin` over `tMax` epochs (SGDR without
/// restarts, PyTorch's `CosineAnnealingLR(T_max, eta_min)`):
/// `lr = η_min + (base - η_min) · (1 + cos(π · epoch / T_max)) / 2`.
public final class CosineAnnealingLR: LRScheduler {
    /// The number of epochs of half a cosine period (`T_max`).
    public let tMax: Int
    /// The rate reached after `tMax` epochs (`eta_min`).
    public let etaMin: Double

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, tMax: Int, etaMin: Double = 0) {
        require(tMax > 0, "CosineAnnealingLR", "tMax must be positive, got \(tMax)")
        require(etaMin.isFinite && etaMin >= 0, "CosineAnnealingLR", "etaMin must be finite and >= 0, got \(etaMin)")
        self.tMax = tMax
        self.etaMin = etaMin
        super.init(optimizer)
    }

    override public func learningRate(base: Double, epoch: Int) -> Double {
        etaMin + (base - etaMin) * (1 + cos(Double.pi * Double(epoch) / Double(tMax))) / 2
    }
    override public var settings: String { "tMax: \(tMax), etaMin: \(etaMin)" }
}

/// Scales the rate linearly from `startFactor · base` to `endFactor · base` over `totalIters`
/// epochs, then keeps it (PyTorch's `LinearLR`, a warm-up; defaults 1/3, 1, 5):
/// `lr = base · (s + (e - s) · min(epoch, T) / T)`.
public final class LinearLR: LRScheduler {
    /// The multiple of the base rate at epoch 0.
    public let startFactor: Double
    /// The multiple of the base rate from `totalIters` on.
    public let endFactor: Double
    /// The number of epochs the ramp lasts.
    public let totalIters: Int

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIters: Int = 5) {
        require(startFactor > 0 && startFactor <= 1 && endFactor >= 0 && endFactor <= 1, "LinearLR",
                "startFactor must lie in (0, 1] and endFactor in [0, 1], got \(startFactor), \(endFactor)")
        require(totalIters > 0, "LinearLR", "totalIters must be positive, got \(totalIters)")
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
        super.init(optimizer)
    }

    override public func learningRate(base: Double, epoch: Int) -> Double {
        base * (startFactor + (endFactor - startFactor) * Double(Swift.min(epoch, totalIters)) / Double(totalIters))
    }
    override public var settings: String { "startFactor: \(startFactor), endFactor: \(endFactor), totalIters: \(totalIters)" }
}
