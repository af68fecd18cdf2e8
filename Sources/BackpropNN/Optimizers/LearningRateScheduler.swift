import BackpropTensor
import BackpropAutograd
/// Sets an optimizer's learning rates as training goes (PyTorch's `lr_scheduler`). The
/// schedules that are a function of the epoch subclass ``LRScheduler``; ``ReduceLROnPlateau``
/// follows a metric instead. A ``Checkpoint`` saves and restores either through this protocol.
public protocol LearningRateScheduler: AnyObject, CustomStringConvertible {
    /// The optimizer whose groups' `lr` this scheduler sets.
    var optimizer: any Optimizer { get }
    /// Everything needed to resume, as `float64` scalars (`"last_epoch"`, ...).
    func stateDict() -> [String: Tensor]
    /// Restores a ``stateDict()``; nothing changes when it throws.
    /// - Throws: ``StateDictError`` for missing, unexpected or invalid entries.
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension LearningRateScheduler {
    /// The rates the optimizer has now, one per group.
    public var learningRates: [Double] { optimizer.parameterGroups.map(\.lr) }
}

/// The base of the schedules that are a function of the epoch: each group's rate is
/// ``learningRate(base:epoch:)`` of its initial rate (captured when the scheduler is made) and
/// the number of ``step()`` calls so far. As in PyTorch, creating a scheduler applies the
/// rate of epoch 0, and `step()` is called once per epoch after the optimizer's steps:
/// ```swift
/// let scheduler = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// for epoch in 0..<100 { train(epoch); scheduler.step() }
/// ```
/// A new schedule subclasses it, checks its arguments and overrides ``learningRate(base:epoch:)``
/// and ``settings``.
open class LRScheduler: LearningRateScheduler {
    public let optimizer: any Optimizer
    /// Each group's learning rate when the scheduler was created (PyTorch's `base_lrs`).
    public private(set) var baseLearningRates: [Double]
    /// The number of ``step()`` calls so far (PyTorch's `last_epoch`); setting it applies
    /// that epoch's rates.
    public var lastEpoch = 0 { didSet { apply() } }

    /// Captures the optimizer's rates as the base rates and applies the rates of epoch 0.
    public init(_ optimizer: any Optimizer) {
        self.optimizer = optimizer
        baseLearningRates = optimizer.parameterGroups.map(\.lr)
        apply()
    }

    /// The learning rate at `epoch` for a group that started at `base`.
    open func learningRate(base: Double, epoch: Int) -> Double {
        fatalError("\(type(of: self)): a subclass of LRScheduler must override learningRate(base:epoch:)")
    }

    /// The schedule's arguments for ``description``, e.g. `"stepSize: 30, gamma: 0.1"`.
    open var settings: String { "" }

    /// Advances one epoch and sets the optimizer's learning rates.
    public func step() { lastEpoch += 1 }

    /// `StepLR(stepSize: 30, gamma: 0.1, lastEpoch: 2)`.
    public var description: String {
        "\(type(of: self))(" + (settings.isEmpty ? "" : settings + ", ") + "lastEpoch: \(lastEpoch))"
    }

    /// `"last_epoch"` and `"base_lrs.<g>"` for each group.
    public func stateDict() -> [String: Tensor] {
        var dict = ["last_epoch": Tensor(Double(lastEpoch), dtype: .float64)]
        for (g, rate) in baseLearningRates.enumerated() { dict["base_lrs.\(g)"] = Tensor(rate, dtype: .float64) }
        return dict
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        let rateKeys = baseLearningRates.indices.map { "base_lrs.\($0)" }
        try StateDictError.checkKeys(expected: ["last_epoch"] + rateKeys, given: Array(state.keys))
        let epoch = try state.wholeNumber("last_epoch")
        let rates = try rateKeys.map { key in
            let rate = try state.scalar(key)
            guard rate.isFinite, rate >= 0 else { throw StateDictError.invalidValue(key: key, reason: "a learning rate must be finite and >= 0, got \(rate)") }
            return rate
        }
        baseLearningRates = rates
        lastEpoch = epoch
    }

    /// Writes the rates of ``lastEpoch`` into the optimizer.
    func apply() {
        for (g, base) in baseLearningRates.enumerated() where g < optimizer.parameterGroups.count {
            optimizer.parameterGroups[g].lr = learningRate(base: base, epoch: lastEpoch)
        }
    }
}

extension Dictionary where Key == String, Value == Tensor {
    /// The one-element entry `key` as a `Double`.
    func scalar(_ key: String) throws -> Double {
        guard let value = self[key] else { throw StateDictError.missingKeys([key]) }
        guard value.count == 1 else { throw StateDictError.shapeMismatch(key: key, expected: [], found: value.shape) }
        return value.item(as: Double.self)
    }

    /// The one-element entry `key` as a whole number `>= 0`.
    func wholeNumber(_ key: String) throws -> Int {
        let value = try scalar(key)
        guard let number = Int(exactly: value), number >= 0 else {
            throw StateDictError.invalidValue(key: key, reason: "must be a whole number >= 0, got \(value)")
        }
        return number
    }
}

/// Stops with a message naming the scheduler and the argument unless `isValid`.
func require(_ isValid: Bool, _ scheduler: String, _ problem: @autoclosure () -> String) {
    if !isValid { fatalError("\(scheduler): \(problem())") }
}
