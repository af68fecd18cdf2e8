import BackpropTensor
import BackpropAutograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sets an optimizer's learning rates from the epoch count (PyTorch's `lr_scheduler`).
///
/// Each group's rate is a function of its initial rate (captured when the scheduler is made)
/// and the number of ``step()`` calls so far. As in PyTorch, creating a scheduler applies the
/// rate of epoch 0, and `step()` is called once per epoch after the optimizer's steps:
/// ```swift
/// let scheduler = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// for epoch in 0..<100 { train(epoch); scheduler.step() }
/// ```
public protocol LearningRateScheduler: AnyObject {
    /// The optimizer whose groups' `lr` this scheduler sets.
    var optimizer: any Optimizer { get }
    /// Each group's learning rate when the scheduler was created.
    var baseLearningRates: [Double] { get }
    /// The number of ``step()`` calls so far (PyTorch's `last_epoch`); setting it applies that epoch's rates.
    var epoch: Int { get set }
    /// The learning rate at `epoch` for a group that started at `base`.
    func learningRate(base: Double, epoch: Int) -> Double
}

extension LearningRateScheduler {
    /// Advances one epoch and sets the optimizer's learning rates.
    public func step() { epoch += 1 }

    /// The rates the scheduler last set, one per group.
    public var learningRates: [Double] { optimizer.parameterGroups.map(\.lr) }

    /// Writes the rates of ``epoch`` into the optimizer.
    func apply() {
        for (g, base) in baseLearningRates.enumerated() where g < optimizer.parameterGroups.count {
            optimizer.parameterGroups[g].lr = learningRate(base: base, epoch: epoch)
        }
    }
}

/// Multiplies the rate by `gamma` every `stepSize` epochs: `lr = base · γ^⌊epoch / stepSize⌋`.
public final class StepLR: LearningRateScheduler {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: any Optimizer
    /// Each parameter group's learning rate when the scheduler was created.
    public let baseLearningRates: [Double]
    /// The number of epochs between decays.
    public let stepSize: Int
    /// The factor applied at each decay.
    public let gamma: Double
    /// The current epoch; setting it applies that epoch's learning rate.
    public var epoch = 0 { didSet { apply() } }

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1) {
        guard stepSize > 0 else { fatalError("StepLR: stepSize must be positive, got \(stepSize)") }
        self.optimizer = optimizer
        baseLearningRates = optimizer.parameterGroups.map(\.lr)
        self.stepSize = stepSize
        self.gamma = gamma
        apply()
    }

    public func learningRate(base: Double, epoch: Int) -> Double { base * pow(gamma, Double(epoch / stepSize)) }
}

/// Multiplies the rate by `gamma` every epoch: `lr = base · γ^epoch`.
public final class ExponentialLR: LearningRateScheduler {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: any Optimizer
    /// Each parameter group's learning rate when the scheduler was created.
    public let baseLearningRates: [Double]
    /// The factor applied at each decay.
    public let gamma: Double
    /// The current epoch; setting it applies that epoch's learning rate.
    public var epoch = 0 { didSet { apply() } }

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, gamma: Double) {
        self.optimizer = optimizer
        baseLearningRates = optimizer.parameterGroups.map(\.lr)
        self.gamma = gamma
        apply()
    }

    public func learningRate(base: Double, epoch: Int) -> Double { base * pow(gamma, Double(epoch)) }
}

/// Cosine annealing from the initial rate to `minimumLearningRate` over `maxEpochs` epochs
/// (SGDR without restarts, PyTorch's `CosineAnnealingLR`):
/// `lr = η_min + (base - η_min) · (1 + cos(π · epoch / T_max)) / 2`.
public final class CosineAnnealingLR: LearningRateScheduler {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: any Optimizer
    /// Each parameter group's learning rate when the scheduler was created.
    public let baseLearningRates: [Double]
    /// The number of epochs of half a cosine period (`T_max`).
    public let maxEpochs: Int
    /// The rate reached after `maxEpochs` (`eta_min`).
    public let minimumLearningRate: Double
    /// The current epoch; setting it applies that epoch's learning rate.
    public var epoch = 0 { didSet { apply() } }

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, maxEpochs: Int, minimumLearningRate: Double = 0) {
        guard maxEpochs > 0 else { fatalError("CosineAnnealingLR: maxEpochs must be positive, got \(maxEpochs)") }
        self.optimizer = optimizer
        baseLearningRates = optimizer.parameterGroups.map(\.lr)
        self.maxEpochs = maxEpochs
        self.minimumLearningRate = minimumLearningRate
        apply()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        minimumLearningRate + (base - minimumLearningRate) * (1 + cos(Double.pi * Double(epoch) / Double(maxEpochs))) / 2
    }
}

/// Scales the rate linearly from `startFactor · base` to `endFactor · base` over
/// `totalEpochs` epochs, then keeps it (PyTorch's `LinearLR`; defaults 1/3, 1, 5):
/// `lr = base · (s + (e - s) · min(epoch, T) / T)`.
public final class LinearWarmup: LearningRateScheduler {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: any Optimizer
    /// Each parameter group's learning rate when the scheduler was created.
    public let baseLearningRates: [Double]
    /// The multiple of the base rate at epoch 0.
    public let startFactor: Double
    /// The multiple of the base rate from `totalEpochs` on.
    public let endFactor: Double
    /// The number of epochs the ramp lasts.
    public let totalEpochs: Int
    /// The current epoch; setting it applies that epoch's learning rate.
    public var epoch = 0 { didSet { apply() } }

    /// Creates the scheduler and applies the rate of epoch 0.
    public init(_ optimizer: any Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalEpochs: Int = 5) {
        guard startFactor > 0, startFactor <= 1, endFactor >= 0, endFactor <= 1 else {
            fatalError("LinearWarmup: startFactor must lie in (0, 1] and endFactor in [0, 1], got \(startFactor), \(endFactor)")
        }
        guard totalEpochs > 0 else { fatalError("LinearWarmup: totalEpochs must be positive, got \(totalEpochs)") }
        self.optimizer = optimizer
        baseLearningRates = optimizer.parameterGroups.map(\.lr)
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalEpochs = totalEpochs
        apply()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        base * (startFactor + (endFactor - startFactor) * Double(Swift.min(epoch, totalEpochs)) / Double(totalEpochs))
    }
}
