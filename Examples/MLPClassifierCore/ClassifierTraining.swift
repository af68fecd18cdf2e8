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
    /// Whether the model is also written as `model.onnx` (every layer must have an ONNX form).
    public var exportsONNX: Bool

    /// A plan with these settings.
    public init(epochs: Int, batchSize: Int, learningRate: Double, classCount: Int, metadata: [String: String],
                exportsONNX: Bool = false) {
        (self.epochs, self.batchSize, self.learningRate) = (epochs, batchSize, learningRate)
        (self.classCount, self.metadata, self.exportsONNX) = (classCount, metadata, exportsONNX)
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

        let board = try options.tensorboardDirectory.map { try TensorBoardLog(under: $0, options: options, log: log) }
        var history = TrainingHistory(validationName: "test")
        var trainSeconds = 0.0
        var confusion = ConfusionMatrix(classCount: classCount)
        for epoch in 1...epochs {
            let bar = options.showProgress
                ? ProgressBar(total: loader.batchCount, label: "epoch \(epoch)/\(epochs)", plainLines: 4) : nil
            let start = ProcessInfo.processInfo.systemUptime
            let (trainLoss, trainAccuracy) = try MLPClassifier.trainEpoch(model, optimizer, loader, progress: bar) { loss in
                try board?.step(loss: loss, lr: optimizer.lr)
            }
            let seconds = ProcessInfo.processInfo.systemUptime - start
            trainSeconds += seconds
            scheduler?.step()

            let evaluation = MLPClassifier.evaluate(model, on: test, classCount: classCount)
            confusion = evaluation.confusion
            confusion.classNames = train.classNames
            let record = TrainingHistory.Epoch(epoch: epoch, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
                                               validationLoss: evaluation.loss, validationAccuracy: confusion.accuracy,
                                               seconds: seconds)
            history.record(record)
            try board?.epoch(record, model: model)
            if let bar {
                bar.finish(String(format: "test loss %.4f acc %.2f%%", evaluation.loss, confusion.accuracy * 100))
            } else {
                log(history.summary(of: record))
            }
        }

        log("\nconfusion matrix on the test set (rows: true class, columns: predicted):")
        log(confusion.description)

        var metadata = plan.metadata
        metadata["epochs"] = String(epochs)
        metadata["test_accuracy"] = String(format: "%.4f", confusion.accuracy)
        let files = try writeOutputs(model: model, test: test, history: history, into: out, metadata: metadata,
                                     exportsONNX: plan.exportsONNX)
        log("\nwrote " + files.map(\.path).joined(separator: ", "))
        return RunResult(testAccuracy: confusion.accuracy, trainSeconds: trainSeconds, epochs: epochs,
                         history: history, confusion: confusion, files: files)
    }

    /// Writes into `out` the model (safetensors, PyTorch state_dict names; and ONNX when asked),
    /// its logits on the test set (for Tests/Interop/pytorch_logits.py to compare with PyTorch's),
    /// the curves and the history; returns the files.
    static func writeOutputs(model: any Module, test: TensorDataset, history: TrainingHistory, into out: URL,
                             metadata: [String: String], exportsONNX: Bool) throws -> [URL] {
        let modelURL = out.appendingPathComponent("model.safetensors")
        let onnxURL = out.appendingPathComponent("model.onnx")
        let logitsURL = out.appendingPathComponent("test_logits.safetensors")
        let curvesURL = out.appendingPathComponent("curves.svg")
        let historyURL = out.appendingPathComponent("history.csv")
        try SafeTensors.write(model.stateDict(), metadata: metadata, to: modelURL)
        if exportsONNX {   // for onnxruntime, Netron, ...
            try exportONNX(model, inputShape: Array(test.inputs.shape.dropFirst()), to: onnxURL)
        }
        model.eval()
        let testLogits = logits(of: model, test.inputs)
        model.train()
        try SafeTensors.write(["logits": testLogits], metadata: ["images": "test"], to: logitsURL)
        try SVGPlot.writeSideBySide([history.lossPlot(logScale: true), history.accuracyPlot()], to: curvesURL)
        try Data(history.csv().utf8).write(to: historyURL, options: .atomic)
        return [modelURL] + (exportsONNX ? [onnxURL] : []) + [logitsURL, curvesURL, historyURL]
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
