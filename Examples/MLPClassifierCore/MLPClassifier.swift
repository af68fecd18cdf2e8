import Backprop
import Foundation

/// What one training run produced.
public struct RunResult: Sendable {
    /// The fraction of test examples classified correctly after the last epoch.
    public let testAccuracy: Double
    /// Seconds spent in the training loops (forward, loss, backward, step), without evaluation.
    public let trainSeconds: Double
    /// The number of epochs trained.
    public let epochs: Int
    /// Per-epoch training and test loss and accuracy.
    public let history: TrainingHistory
    /// The test set's confusion matrix after the last epoch.
    public let confusion: ConfusionMatrix
    /// The files written (model, curves, history).
    public let files: [URL]

    /// The final machine-readable line, e.g. `RESULT test_accuracy=0.9750 train_seconds=3.21 epochs=10`.
    public var resultLine: String {
        String(format: "RESULT test_accuracy=%.4f train_seconds=%.2f epochs=%d", testAccuracy, trainSeconds, epochs)
    }
}

/// Trains a ReLU multilayer perceptron with softmax cross-entropy and reports on it.
public enum MLPClassifier {
    /// The training and test sets for a data source, with a name for the log.
    public static func loadData(_ source: DataSource, seed: UInt64) throws -> (train: TensorDataset, test: TensorDataset, name: String) {
        let fileManager = FileManager.default
        switch source {
        case .bundledDigits:
            guard let directory = BundledData.digitsDirectory() else {
                throw UsageError("the bundled digits were not found (set BACKPROP_DIGITS_DIR to Examples/MLPClassifierCore/Resources/digits)")
            }
            let (train, test) = try MNIST.load(directory: directory, scale: 1.0 / 16)
            return (train, test, "8x8 digits (bundled)")
        case .idx(let path):
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("--data: no such directory: \(path)")
            }
            for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
                guard fileManager.fileExists(atPath: (path as NSString).appendingPathComponent(name)) else {
                    throw UsageError("--data: \(path) has no file \(name) (expected MNIST's four unpacked IDX files)")
                }
            }
            let (train, test) = try MNIST.load(directory: URL(fileURLWithPath: path))
            return (train, test, "IDX files in \(path)")
        case .csv(let path, let labelColumn):
            guard fileManager.fileExists(atPath: path) else { throw UsageError("--csv: no such file: \(path)") }
            let url = URL(fileURLWithPath: path)
            let all = try Int(labelColumn).map { try CSV.load(url, labelColumn: $0) } ?? CSV.load(url, labelColumn: labelColumn)
            guard all.count >= 5 else { throw UsageError("--csv: \(path) has only \(all.count) rows; need at least 5") }
            // A fixed random fifth is the test set; features are standardised with the training statistics.
            let (train, test) = trainValidationSplit(all, validationFraction: 0.2, seed: seed)
            let standardizer = Standardizer(fitting: train.inputs)
            return (train.mapInputs(standardizer.transform), test.mapInputs(standardizer.transform), "CSV \(path)")
        }
    }

    /// `inputSize → hidden[0] → ReLU → ... → classes`, initialised from `SplitMix64(seed)`.
    public static func makeModel(inputSize: Int, hidden: [Int], classes: Int, seed: UInt64) -> Sequential {
        var generator = SplitMix64(seed: seed)
        var layers: [any Module] = []
        var fanIn = inputSize
        for size in hidden {
            layers.append(Linear(inputSize: fanIn, outputSize: size, generator: &generator))
            layers.append(ReLU())
            fanIn = size
        }
        layers.append(Linear(inputSize: fanIn, outputSize: classes, generator: &generator))
        return Sequential(layers: layers)
    }

    /// The optimizer named on the command line, with PyTorch's defaults for everything but
    /// the learning rate (momentum 0.9 for `momentum` and `nesterov`).
    public static func makeOptimizer(_ choice: OptimizerChoice, parameters: [Variable], learningRate lr: Double) -> any Optimizer {
        switch choice {
        case .sgd: SGD(parameters: parameters, lr: lr)
        case .momentum: SGD(parameters: parameters, lr: lr, momentum: 0.9)
        case .nesterov: SGD(parameters: parameters, lr: lr, momentum: 0.9, nesterov: true)
        case .adagrad: Adagrad(parameters: parameters, lr: lr)
        case .rmsprop: RMSprop(parameters: parameters, lr: lr)
        case .adadelta: Adadelta(parameters: parameters, lr: lr)
        case .adam: Adam(parameters: parameters, lr: lr)
        case .adamw: AdamW(parameters: parameters, lr: lr)
        case .adamax: Adamax(parameters: parameters, lr: lr)
        case .nadam: NAdam(parameters: parameters, lr: lr)
        }
    }

    /// Mean cross-entropy and the confusion matrix of `model` on `dataset`, in batches of 1,000.
    public static func evaluate(_ model: any Module, on dataset: TensorDataset, classCount: Int) -> (loss: Double, confusion: ConfusionMatrix) {
        model.eval()
        defer { model.train() }
        var confusion = ConfusionMatrix(classCount: classCount)
        var lossSum = 0.0
        withNoGrad {
            var start = 0
            while start < dataset.count {
                let indices = Array(start..<min(start + 1000, dataset.count))
                let batch = dataset.batch(indices)
                let logits = model(Variable(batch.inputs))
                lossSum += crossEntropy(logits, classes: batch.labels, reduction: .sum).item(as: Double.self)
                confusion.add(logits: logits.value, labels: batch.labels)
                start += indices.count
            }
        }
        return (dataset.count == 0 ? 0 : lossSum / Double(dataset.count), confusion)
    }

    /// Loads the data, trains, evaluates after each epoch, writes the model, the curves and the
    /// history into the output folder, and returns the result. `log` receives the report lines;
    /// the progress bar (if enabled) goes to standard error.
    public static func run(_ options: Options, log: (String) -> Void) throws -> RunResult {
        if let threads = options.threads { Threading.threadCount = threads }
        let (train, test, dataName) = try loadData(options.data, seed: options.seed)
        guard train.count > 0, train.inputs.rank == 2 else { throw UsageError("the training set is empty") }
        let classCount = max(train.classCount, test.classCount)
        guard classCount >= 2 else { throw UsageError("the data has \(classCount) class; a classifier needs at least 2") }
        let inputSize = train.inputs.shape[1]
        let hidden = options.resolvedHidden, epochs = options.resolvedEpochs
        let batchSize = options.resolvedBatchSize(trainingExamples: train.count), lr = options.resolvedLearningRate

        let model = makeModel(inputSize: inputSize, hidden: hidden, classes: classCount, seed: options.seed)
        let architecture = ([inputSize] + hidden + [classCount]).map(String.init).joined(separator: "-")
        log("data: \(dataName): \(train.count) training and \(test.count) test examples, \(inputSize) features, \(classCount) classes")
        log("model: \(architecture) MLP with ReLU, \(model.parameterCount) parameters")
        let plan = TrainingPlan(epochs: epochs, batchSize: batchSize, learningRate: lr, classCount: classCount, metadata: [
            "architecture": architecture, "activation": "relu", "data": dataName,
            // The class of each output, when the labels were names (a JSON array).
            "classes": String(decoding: try JSONEncoder().encode(train.classNames), as: UTF8.self)], exportsONNX: true)
        return try ClassifierTraining.run(model, train: train, test: test, plan: plan, options: options, log: log)
    }

    /// One pass over the training set, the lesson's loop: forward, loss, zero the gradients,
    /// backward, step. Returns the mean loss and the accuracy over the examples seen.
    public static func trainEpoch(_ model: any Module, _ optimizer: any Optimizer, _ loader: DataLoader,
                                  progress bar: ProgressBar? = nil,
                                  afterStep: (Double) throws -> Void = { _ in }) rethrows -> (loss: Double, accuracy: Double) {
        var lossSum = 0.0, seen = 0, correct = 0
        for batch in loader {
            let logits = model(Variable(batch.inputs))
            let loss = crossEntropy(logits, classes: batch.labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            let value = loss.item(as: Double.self)
            lossSum += value * Double(batch.count)
            seen += batch.count
            for (p, l) in zip(logits.value.argmax(axis: 1), batch.labels) where p == l { correct += 1 }
            bar?.advance(samples: batch.count, loss: value)
            try afterStep(value)
        }
        return (lossSum / Double(max(1, seen)), Double(correct) / Double(max(1, seen)))
    }
}
