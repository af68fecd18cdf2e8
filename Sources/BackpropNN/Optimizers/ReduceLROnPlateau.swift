import BackpropTensor
import BackpropAutograd
/// Lowers the learning rates when a metric stops improving, exactly as PyTorch's
/// `ReduceLROnPlateau`: call ``step(_:)`` once per epoch with the validation loss (or, in
/// `.max` mode, an accuracy).
///
/// ```
/// better(a)  ⇔  a < best · (1 - threshold)   (mode min, relative; abs: a < best - threshold;
///                                              max: a > best · (1 + threshold), a > best + threshold)
/// better: best ← a, bad ← 0; else bad ← bad + 1
/// in cooldown (cooldown counter > 0): counter ← counter - 1, bad ← 0
/// bad > patience: lr ← max(lr · factor, minLR) where that lowers lr by more than eps;
///                 counter ← cooldown, bad ← 0
/// ```
/// ```swift
/// let plateau = ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2)
/// for epoch in 0..<50 { train(epoch); plateau.step(validationLoss()) }
/// ```
public final class ReduceLROnPlateau: LearningRateScheduler {
    /// Whether the metric should go down (a loss) or up (an accuracy).
    public enum Mode: String, Sendable { case min, max }
    /// Whether ``threshold`` is relative to the best value or absolute.
    public enum ThresholdMode: String, Sendable { case rel, abs }

    public let optimizer: any Optimizer
    /// Whether lower or higher metrics are better.
    public let mode: Mode
    /// The factor the rates are multiplied by (`< 1`).
    public let factor: Double
    /// The number of epochs without improvement tolerated before lowering the rates.
    public let patience: Int
    /// The least change that counts as an improvement.
    public let threshold: Double
    /// Whether the threshold is relative or absolute.
    public let thresholdMode: ThresholdMode
    /// The number of epochs after a reduction during which bad epochs are not counted.
    public let cooldown: Int
    /// Each group's lowest rate.
    public let minLRs: [Double]
    /// Reductions smaller than this are skipped.
    public let eps: Double
    /// The best metric so far (`+∞` in `.min` mode before the first step).
    public private(set) var best: Double
    /// The number of epochs since the last improvement (reset by a reduction and in cooldown).
    public private(set) var numBadEpochs = 0
    /// The epochs of cooldown left.
    public private(set) var cooldownCounter = 0
    /// The number of ``step(_:)`` calls so far.
    public private(set) var lastEpoch = 0

    /// Creates the scheduler (PyTorch's defaults); `minLR` applies to every group.
    public convenience init(_ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                            threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                            minLR: Double = 0, eps: Double = 1e-8) {
        self.init(optimizer, mode: mode, factor: factor, patience: patience, threshold: threshold, thresholdMode: thresholdMode,
                  cooldown: cooldown, minLRs: Array(repeating: minLR, count: optimizer.parameterGroups.count), eps: eps)
    }

    /// Creates the scheduler with a lowest rate for each group.
    public init(_ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLRs: [Double], eps: Double = 1e-8) {
        let name = "ReduceLROnPlateau"
        require(factor >= 0 && factor < 1, name, "factor must lie in [0, 1), got \(factor)")
        require(patience >= 0 && cooldown >= 0, name, "patience and cooldown must be >= 0, got \(patience), \(cooldown)")
        require(threshold.isFinite && threshold >= 0 && eps.isFinite && eps >= 0, name,
                "threshold and eps must be finite and >= 0, got \(threshold), \(eps)")
        require(minLRs.count == optimizer.parameterGroups.count, name,
                "got \(minLRs.count) minimum rates for \(optimizer.parameterGroups.count) parameter groups")
        require(minLRs.allSatisfy { $0.isFinite && $0 >= 0 }, name, "minimum rates must be finite and >= 0, got \(minLRs)")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLRs = minLRs
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
    }

    /// Records one epoch's metric and lowers the rates after more than ``patience`` epochs
    /// without improvement. A NaN metric counts as no improvement.
    public func step(_ metric: Double) {
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        if numBadEpochs > patience {
            for g in optimizer.parameterGroups.indices {
                let old = optimizer.parameterGroups[g].lr, new = Swift.max(old * factor, minLRs[g])
                if old - new > eps { optimizer.parameterGroups[g].lr = new }
            }
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
    }

    /// Whether `metric` improves on ``best`` by more than the threshold.
    func isBetter(_ metric: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return metric < best * (1 - threshold)
        case (.min, .abs): return metric < best - threshold
        case (.max, .rel): return metric > best * (threshold + 1)
        case (.max, .abs): return metric > best + threshold
        }
    }

    /// `ReduceLROnPlateau(mode: min, factor: 0.1, patience: 10, ..., best: 0.5, numBadEpochs: 1)`.
    public var description: String {
        "ReduceLROnPlateau(mode: \(mode), factor: \(factor), patience: \(patience), threshold: \(threshold), thresholdMode: \(thresholdMode), cooldown: \(cooldown), minLRs: \(minLRs), eps: \(eps), best: \(best), numBadEpochs: \(numBadEpochs), cooldownCounter: \(cooldownCounter))"
    }

    /// `"best"`, `"num_bad_epochs"`, `"cooldown_counter"` and `"last_epoch"`.
    public func stateDict() -> [String: Tensor] {
        ["best": Tensor(best, dtype: .float64), "num_bad_epochs": Tensor(Double(numBadEpochs), dtype: .float64),
         "cooldown_counter": Tensor(Double(cooldownCounter), dtype: .float64), "last_epoch": Tensor(Double(lastEpoch), dtype: .float64)]
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try StateDictError.checkKeys(expected: ["best", "num_bad_epochs", "cooldown_counter", "last_epoch"], given: Array(state.keys))
        let best = try state.scalar("best")
        guard !best.isNaN else { throw StateDictError.invalidValue(key: "best", reason: "must be a number, got nan") }
        let (bad, counter, epoch) = (try state.wholeNumber("num_bad_epochs"), try state.wholeNumber("cooldown_counter"),
                                     try state.wholeNumber("last_epoch"))
        (self.best, numBadEpochs, cooldownCounter, lastEpoch) = (best, bad, counter, epoch)
    }
}
