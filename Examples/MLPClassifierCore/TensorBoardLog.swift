import Backprop
import Foundation

/// What `--tensorboard DIR` records: the settings as text, the loss of every step, and per
/// epoch the losses, accuracies, learning rate and histograms of the weights and gradients,
/// in a new run folder `DIR/<date>-<optimizer>-lr<rate>-seed<seed>`.
final class TensorBoardLog {
    let writer: SummaryWriter
    private var stepCount = 0

    init(under directory: String, options: Options, log: (String) -> Void) throws {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        let run = "\(stamp)-\(options.optimizer.rawValue)-lr\(options.resolvedLearningRate)-seed\(options.seed)"
        do {
            writer = try SummaryWriter(logDirectory: URL(fileURLWithPath: directory).appendingPathComponent(run))
        } catch {
            throw UsageError("--tensorboard: \(error)")
        }
        try writer.addText("settings", "optimizer \(options.optimizer.rawValue), lr \(options.resolvedLearningRate), "
                           + "hidden \(options.resolvedHidden), seed \(options.seed)", step: 0)
        log("tensorboard: logging to \(writer.logDirectory.path) (watch with: tensorboard --logdir \(directory))")
    }

    /// One training step's loss and learning rate, under `loss/step` and `learning_rate`.
    func step(loss: Double, lr: Double) throws {
        stepCount += 1
        try writer.addScalar("loss/step", loss, step: stepCount)
        try writer.addScalar("learning_rate", lr, step: stepCount)
    }

    /// An epoch's summary, and the weights and the last step's gradients.
    func epoch(_ record: TrainingHistory.Epoch, model: any Module) throws {
        try writer.addScalar("loss/train", record.trainLoss, step: record.epoch)
        if let accuracy = record.trainAccuracy { try writer.addScalar("accuracy/train", accuracy, step: record.epoch) }
        if let loss = record.validationLoss { try writer.addScalar("loss/test", loss, step: record.epoch) }
        if let accuracy = record.validationAccuracy { try writer.addScalar("accuracy/test", accuracy, step: record.epoch) }
        try writer.addHistograms(of: model, step: record.epoch)
    }
}
