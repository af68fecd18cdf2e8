import Backprop
import Foundation

/// The settings of one training run that depend on the model and the data, resolved from the
/// command line's options by the example that runs it.
public struct TrainingPlan: Sendable {
    /// Passes over the training set, examples per step, and the (initial) learning rate.
    public var epochs: Int, batchSize: Int, learningRate: Double
    /// The number of classes (the width of the logits).
    public var classCount: Int
    /// Saved with the model (`architecture`, `data`, ...); the run adds `epochs` and `test_accuracy`.
    public var metadata: [String: String]

    /// A plan with these settings.
    public init(epochs: Int, batchSize: Int, learningRate: Double, classCount: Int, metadata: [String: String]) {
        (self.epochs, self.batchSize, self.learningRate) = (epochs, batchSize, learningRate)
        (self.classCount, self.metadata) = (classCount, metadata)
    }
}

/// The training loop and report shared by the classifier examples (mlp-classifier, cnn-classifier).
public enum ClassifierTraining {
    /// Trains `model` with softmax cross-entropy, evaluates it after each epoch, writes the model,
    /// its test logits, the curves and the history into the output folder, and returns the result.
    /// `log` receives the report lines; the progress bar (if enabled) goes to standard error.
    public static func run(_ model: any Module, train: TensorDataset, test: TensorDataset, plan: TrainingPlan,
                           options: Options, log: (String) -> Void) throws -> RunResult {
        let (epochs, batchSize, lr, classCount) = (plan.epochs, plan.batchSize, plan.learningRate, plan.classCount)
        // Fail before training, not after, if the output folder cannot be made.
        let out = URL(fileURLWithPath: options.outputDirectory)
        do {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        } catch {
            throw UsageError("--out: cannot create the folder \(out.path): \(error.localizedDescription)")
        }

        let optimizer = MLPClassifier.makeOptimizer(options.optimizer, parameters: model.parameters, learningRate: lr)
        let scheduler = options.cosineSchedule ? CosineAnnealingLR(optimizer, tMax: epochs) : nil
        let loader = DataLoader(train, batchSize: batchSize, shuffle: true, seed: options.seed &+ 1)
        log("training: \(options.optimizer.rawValue) lr \(lr)\(options.cosineSchedule ? " (cosine-annealed to 0)" : ""), "
            + "batch \(batchSize), \(epochs) epochs, seed \(options.seed), \(Threading.threadCount) threads")

        var history = TrainingHistory(validationName: "test")
        var trainSeconds = 0.0
        var confusion = ConfusionMatrix(classCount: classCount)
        for epoch in 1...epochs {
            let bar = options.showProgress
                ? ProgressBar(total: loader.batchCount, label: "epoch \(epoch)/\(epochs)", plainLines: 4) : nil
            let start = ProcessInfo.processInfo.systemUptime
            let (trainLoss, trainAccuracy) = try MLPClassifier.trainEpoch(model, optimizer, loader, progress: bar)
            let seconds = ProcessInfo.processInfo.systemUptime - start
            trainSeconds += seconds
            scheduler?.step()

            let evaluation = MLPClassifier.evaluate(model, on: test, classCount: classCount)
            confusion = evaluation.confusion
            let record = TrainingHistory.Epoch(epoch: epoch, trainLoss: trainLoss,
                                               trainAccuracy: trainAccuracy,
                                               validationLoss: evaluation.loss, validationAccuracy: confusion.accuracy,
                                               seconds: seconds)
            history.record(record)
            if let bar {
                bar.finish(String(format: "test loss %.4f acc %.2f%%", evaluation.loss, confusion.accuracy * 100))
            } else {
                log(history.summary(of: record))
            }
        }

        log("\nconfusion matrix on the test set (rows: true class, columns: predicted):")
        log(confusion.description)

        // Files: the model (safetensors, PyTorch state_dict names), its logits on the test set
        // (for Tests/Interop/pytorch_logits.py to compare with PyTorch's), the curves, the history.
        let modelURL = out.appendingPathComponent("model.safetensors")
        let logitsURL = out.appendingPathComponent("test_logits.safetensors")
        let curvesURL = out.appendingPathComponent("curves.svg")
        let historyURL = out.appendingPathComponent("history.csv")
        var metadata = plan.metadata
        metadata["epochs"] = String(epochs)
        metadata["test_accuracy"] = String(format: "%.4f", confusion.accuracy)
        try SafeTensors.write(model.stateDict(), metadata: metadata, to: modelURL)
        model.eval()
        let testLogits = logits(of: model, test.inputs)
        model.train()
        try SafeTensors.write(["logits": testLogits], metadata: ["images": "test"], to: logitsURL)
        try SVGPlot.writeSideBySide([history.lossPlot(logScale: true), history.accuracyPlot()], to: curvesURL)
        try Data(history.csv().utf8).write(to: historyURL, options: .atomic)
        log("\nwrote \(modelURL.path), \(logitsURL.path), \(curvesURL.path), \(historyURL.path)")

        return RunResult(testAccuracy: confusion.accuracy, trainSeconds: trainSeconds, epochs: epochs,
                         history: history, confusion: confusion, files: [modelURL, logitsURL, curvesURL, historyURL])
    }

    /// The model's logits for `inputs`, computed in batches of 1,000 (a CNN's activations for
    /// all 10,000 MNIST test images at once would take gigabytes).
    static func logits(of model: any Module, _ inputs: Tensor) -> Tensor {
        let count = inputs.shape[0]
        return withNoGrad {
            Tensor.concatenate(stride(from: 0, to: count, by: 1000).map { start in
                model(Variable(inputs.slice(axis: 0, start..<min(start + 1000, count)))).value
            }, axis: 0)
        }
    }
}
