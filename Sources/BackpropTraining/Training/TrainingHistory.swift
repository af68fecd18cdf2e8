import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Per-epoch loss and accuracy on the training and validation sets, ready to print, save as
/// CSV or draw as SVG.
///
/// ```swift
/// var history = TrainingHistory()
/// history.record(TrainingHistory.Epoch(epoch: 1, trainLoss: 0.35, trainAccuracy: 0.90,
///                                      validationLoss: 0.20, validationAccuracy: 0.94))
/// try history.lossPlot().write(to: URL(fileURLWithPath: "loss.svg"))
/// ```
public struct TrainingHistory: Sendable, Equatable {
    /// The measurements of one epoch; `nil` where a value was not measured.
    public struct Epoch: Sendable, Equatable {
        /// The epoch number, counted from 1.
        public var epoch: Int
        /// The mean training loss over the epoch's batches.
        public var trainLoss: Double
        /// The fraction of training examples classified correctly during the epoch.
        public var trainAccuracy: Double?
        /// The loss on the validation set after the epoch.
        public var validationLoss: Double?
        /// The accuracy on the validation set after the epoch.
        public var validationAccuracy: Double?
        /// Wall-clock seconds the epoch's training took.
        public var seconds: Double?

        /// One epoch's measurements.
        public init(epoch: Int, trainLoss: Double, trainAccuracy: Double? = nil, validationLoss: Double? = nil,
                    validationAccuracy: Double? = nil, seconds: Double? = nil) {
            self.epoch = epoch
            self.trainLoss = trainLoss
            self.trainAccuracy = trainAccuracy
            self.validationLoss = validationLoss
            self.validationAccuracy = validationAccuracy
            self.seconds = seconds
        }
    }

    /// The epochs recorded so far, in order.
    public private(set) var epochs: [Epoch] = []
    /// What the validation set is called in plots and tables ("validation", "test").
    public var validationName: String

    /// An empty history.
    public init(validationName: String = "validation") { self.validationName = validationName }

    /// Appends one epoch's measurements.
    public mutating func record(_ epoch: Epoch) { epochs.append(epoch) }

    /// The training loss of each epoch.
    public var trainLoss: [Double] { epochs.map(\.trainLoss) }
    /// The validation loss of each epoch that measured one.
    public var validationLoss: [Double] { epochs.compactMap(\.validationLoss) }
    /// The training accuracy of each epoch that measured one.
    public var trainAccuracy: [Double] { epochs.compactMap(\.trainAccuracy) }
    /// The validation accuracy of each epoch that measured one.
    public var validationAccuracy: [Double] { epochs.compactMap(\.validationAccuracy) }
    /// The last epoch, if any.
    public var last: Epoch? { epochs.last }

    /// One line summarising an epoch, e.g. `epoch 3  train loss 0.1234 acc 96.50%  test loss 0.1500 acc 95.80%  2.1 s`.
    public func summary(of epoch: Epoch) -> String {
        var s = "epoch \(epoch.epoch)  train loss \(String(format: "%.4f", epoch.trainLoss))"
        if let a = epoch.trainAccuracy { s += " acc \(String(format: "%.2f%%", a * 100))" }
        if epoch.validationLoss != nil || epoch.validationAccuracy != nil { s += "  \(validationName)" }
        if let l = epoch.validationLoss { s += " loss \(String(format: "%.4f", l))" }
        if let a = epoch.validationAccuracy { s += " acc \(String(format: "%.2f%%", a * 100))" }
        if let t = epoch.seconds { s += "  \(String(format: "%.2f", t)) s" }
        return s
    }

    /// The history as CSV with a header line; empty fields where a value was not measured.
    public func csv() -> String {
        func field(_ v: Double?) -> String { v.map { String($0) } ?? "" }
        var lines = ["epoch,train_loss,train_accuracy,\(validationName)_loss,\(validationName)_accuracy,seconds"]
        for e in epochs {
            lines.append([String(e.epoch), field(e.trainLoss), field(e.trainAccuracy), field(e.validationLoss),
                          field(e.validationAccuracy), field(e.seconds)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A line chart of training and validation loss against the epoch.
    public func lossPlot(logScale: Bool = false) -> SVGPlot {
        var plot = SVGPlot(title: "Loss", xLabel: "epoch", yLabel: "loss", logScaleY: logScale)
        plot.addSeries("train", x: epochs.map { Double($0.epoch) }, y: trainLoss)
        let validation = epochs.filter { $0.validationLoss != nil }
        if !validation.isEmpty {
            plot.addSeries(validationName, x: validation.map { Double($0.epoch) }, y: validation.map { $0.validationLoss! })
        }
        return plot
    }

    /// A line chart of training and validation accuracy against the epoch.
    public func accuracyPlot() -> SVGPlot {
        var plot = SVGPlot(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy")
        let train = epochs.filter { $0.trainAccuracy != nil }
        if !train.isEmpty { plot.addSeries("train", x: train.map { Double($0.epoch) }, y: train.map { $0.trainAccuracy! }) }
        let validation = epochs.filter { $0.validationAccuracy != nil }
        if !validation.isEmpty {
            plot.addSeries(validationName, x: validation.map { Double($0.epoch) }, y: validation.map { $0.validationAccuracy! })
        }
        return plot
    }
}
