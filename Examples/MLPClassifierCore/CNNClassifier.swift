import Backprop
import Foundation

/// Trains a small convolutional network on square grey-scale images (MNIST-style IDX files, or
/// the bundled 8x8 digits) with mlp-classifier's options, training loop and report.
public enum CNNClassifier {
    /// The text `--help` prints.
    public static let usage = """
        cnn-classifier: train a convolutional network (two conv-ReLU-max-pool blocks, then a
        ReLU hidden layer) on square grey-scale images with softmax cross-entropy

        USAGE: cnn-classifier [options]

        With no options it trains a small CNN (3x3 kernels) on the 8x8 handwritten digits that
        ship with Backprop. With --data it trains W7's network (../shared/bench/WORKLOADS.md):
        conv 1→16 5x5 pad 2, ReLU, max-pool 2 → conv 16→32 5x5 pad 2, ReLU, max-pool 2 → 1568→128,
        ReLU → 128→10.

        DATA
          --data DIR              a folder with MNIST-style IDX files (train-images-idx3-ubyte, ...)

        TRAINING
          --optimizer NAME        \(OptimizerChoice.allCases.map(\.rawValue).joined(separator: "|")) (default adam)
          --lr RATE               learning rate (default depends on the optimizer; adam 0.002)
          --no-schedule           keep the learning rate constant (default: cosine annealing to 0)
          --batch-size N          examples per step (default 32 for digits, 64 otherwise)
          --epochs N              passes over the training set (default 30 for digits, 5 otherwise)
          --seed N                seed for initialisation and shuffling (default 1)
          --threads N             threads for the kernels (default: all cores)

        OUTPUT
          --out DIR               where to write model.safetensors, model.onnx, test_logits.safetensors, curves.svg, history.csv
                                  (default out/cnn-classifier, which git ignores)
          --no-progress           no progress bar
          --help                  show this text

        The last line printed is machine-readable, e.g.
          RESULT test_accuracy=0.9910 train_seconds=95.20 epochs=5
        """

    /// Parses the arguments after the program name: mlp-classifier's flags, less those about
    /// MLPs and tables (`--hidden`, `--csv`, `--label-column`), with this example's output folder.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        for flag in ["--hidden", "--csv", "--label-column"] where arguments.contains(where: { $0 == flag || $0.hasPrefix(flag + "=") }) {
            throw UsageError("\(flag) does not apply to cnn-classifier (see --help)")
        }
        guard case .train(var options) = try parseArguments(arguments) else { return .help }
        if !arguments.contains(where: { $0 == "--out" || $0.hasPrefix("--out=") }) { options.outputDirectory = "out/cnn-classifier" }
        return .train(options)
    }

    /// `[1, side, side]` images → conv(1→16) → ReLU → pool → conv(16→32) → ReLU → pool →
    /// Linear(32·(side/4)² → hidden) → ReLU → Linear(hidden → classes), initialised from
    /// `SplitMix64(seed)` layer by layer (weight, then bias) as PyTorch's defaults.
    public static func makeModel(side: Int, kernel: Int, hidden: Int, classes: Int, seed: UInt64) -> Sequential {
        var g = SplitMix64(seed: seed)
        let padding = Conv2dPadding(integerLiteral: kernel / 2)
        let conv1 = Conv2d(inChannels: 1, outChannels: 16, kernelSize: Size2d(kernel, kernel), padding: padding, generator: &g)
        let conv2 = Conv2d(inChannels: 16, outChannels: 32, kernelSize: Size2d(kernel, kernel), padding: padding, generator: &g)
        let features = 32 * (side / 4) * (side / 4)
        let fc1 = Linear(inputSize: features, outputSize: hidden, generator: &g)
        let fc2 = Linear(inputSize: hidden, outputSize: classes, generator: &g)
        return Sequential(conv1, ReLU(), MaxPool2d(kernelSize: 2), conv2, ReLU(), MaxPool2d(kernelSize: 2), Flatten(),
                          fc1, ReLU(), fc2)
    }

    /// Loads the images, builds the network for their size, trains and reports (see
    /// ``ClassifierTraining/run(_:train:test:plan:options:log:)``).
    public static func run(_ options: Options, log: (String) -> Void) throws -> RunResult {
        if let threads = options.threads { Threading.threadCount = threads }
        let digits = options.data == .bundledDigits
        let (flatTrain, flatTest, dataName) = try MLPClassifier.loadData(options.data, seed: options.seed)
        guard flatTrain.count > 0, flatTrain.inputs.rank == 2 else { throw UsageError("the training set is empty") }
        let pixels = flatTrain.inputs.shape[1], side = Int(Double(pixels).squareRoot().rounded())
        guard side * side == pixels, side >= 4 else {
            throw UsageError("the images have \(pixels) pixels; cnn-classifier needs square images of at least 4x4")
        }
        let toImages = { (t: Tensor) in t.reshaped([-1, 1, side, side]) }
        let train = flatTrain.mapInputs(toImages), test = flatTest.mapInputs(toImages)
        let classCount = max(train.classCount, test.classCount)
        guard classCount >= 2 else { throw UsageError("the data has \(classCount) class; a classifier needs at least 2") }

        let kernel = digits ? 3 : 5, hidden = digits ? 64 : 128
        let model = makeModel(side: side, kernel: kernel, hidden: hidden, classes: classCount, seed: options.seed)
        let architecture = "conv\(kernel)x\(kernel)-16, pool2, conv\(kernel)x\(kernel)-32, pool2, \(32 * (side / 4) * (side / 4))-\(hidden)-\(classCount)"
        log("data: \(dataName): \(train.count) training and \(test.count) test images of \(side)x\(side), \(classCount) classes")
        log("model: \(architecture) CNN with ReLU, \(model.parameterCount) parameters")
        let plan = TrainingPlan(epochs: options.epochs ?? (digits ? 30 : 5), batchSize: options.batchSize ?? (digits ? 32 : 64),
                                learningRate: options.resolvedLearningRate, classCount: classCount,
                                metadata: ["architecture": architecture, "activation": "relu", "data": dataName,
                                           "torch_modules": torchModules(kernel: kernel, features: 32 * (side / 4) * (side / 4),
                                                                         hidden: hidden, classes: classCount)],
                                exportsONNX: true)
        return try ClassifierTraining.run(model, train: train, test: test, plan: plan, options: options, log: log)
    }

    /// The same network as PyTorch modules, saved in the model's metadata so that
    /// Tests/Interop/pytorch_logits.py can rebuild it as an `nn.Sequential` and load the file.
    static func torchModules(kernel: Int, features: Int, hidden: Int, classes: Int) -> String {
        let conv = { (i: Int, o: Int) in "Conv2d(\(i), \(o), \(kernel), padding=\(kernel / 2)), ReLU(), MaxPool2d(2)" }
        return "\(conv(1, 16)), \(conv(16, 32)), Flatten(), Linear(\(features), \(hidden)), ReLU(), Linear(\(hidden), \(classes))"
    }
}
