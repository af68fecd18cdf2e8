import Backprop
import Foundation

/// What a training run measured.
public struct CharModelResult: Sendable {
    /// The loss of the first batch, before step 1.
    public let firstBatchLoss: Double
    /// The loss over the whole training split before step 1.
    public let initialTrainLoss: Double
    /// The losses over the splits after the last step.
    public let trainLoss: Double, devLoss: Double, testLoss: Double
    /// The batch loss of every step.
    public let stepLosses: [Double]
    /// The sampled names.
    public let samples: [String]
    /// Wall-clock seconds of the training loop.
    public let trainSeconds: Double

    /// The machine-readable last line.
    public var resultLine: String {
        String(format: "RESULT train_loss=%.6f dev_loss=%.6f steps=%d train_seconds=%.2f",
               trainLoss, devLoss, stepLosses.count, trainSeconds)
    }
}

/// The rows of the training examples of each step, drawn with replacement from
/// `SplitMix64(seed)` (W8): draw `j` is `next() % exampleCount` for step `j / batchSize`.
public func batchRows(exampleCount: Int, steps: Int, batchSize: Int, seed: UInt64 = 83) -> [[Int]] {
    var generator = SplitMix64(seed: seed)
    return (0..<steps).map { _ in (0..<batchSize).map { _ in Int(generator.next() % UInt64(exampleCount)) } }
}

/// Trains the model of ``CharMLP`` as `options` say, printing progress through `log`.
public enum CharModelRun {
    /// Loads the names, trains, evaluates, samples and writes the outputs.
    public static func run(_ options: CharModelOptions, log: (String) -> Void) throws -> CharModelResult {
        if let threads = options.threads { Threading.threadCount = threads }
        guard let file = options.dataFile.map(URL.init(fileURLWithPath:)) ?? BundledNames.file() else {
            throw NamesFileError(description: "the bundled names.txt was not found; give --data FILE or set BACKPROP_NAMES_FILE")
        }
        let data = try NamesData.load(file: file)
        let train = Examples(data.train), dev = Examples(data.dev), test = Examples(data.test)
        log("\(data.names.count) names from \(file.lastPathComponent): \(data.train.count) train / \(data.dev.count) dev / \(data.test.count) test, \(train.count) / \(dev.count) / \(test.count) examples")

        let model = CharMLP()
        let optimizer = SGD(parameters: model.parameters, lr: options.learningRate)
        let rows = batchRows(exampleCount: train.count, steps: options.steps, batchSize: options.batchSize)
        let first = train.batch(rows[0])
        let firstBatchLoss = withNoGrad { Double(model.loss(first.contexts, first.targets).item(as: Float.self)) }
        let initialTrainLoss = model.loss(on: train)
        log(String(format: "%d parameters; loss before training: first batch %.6f, training split %.6f (ln 27 = %.6f)",
                   model.parameterCount, firstBatchLoss, initialTrainLoss, Foundation.log(27.0)))

        var losses: [Double] = []
        losses.reserveCapacity(options.steps)
        let start = Date()
        for (step, batchRows) in rows.enumerated() {
            optimizer.lr = step < options.steps / 2 ? options.learningRate : options.learningRate / 10
            let batch = train.batch(batchRows)
            let loss = model.loss(batch.contexts, batch.targets)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            losses.append(Double(loss.item(as: Float.self)))
            if (step + 1) % options.logEvery == 0 || step + 1 == options.steps {
                let recent = losses.suffix(options.logEvery)
                log(String(format: "step %d/%d  lr %g  mean batch loss %.4f", step + 1, options.steps, optimizer.lr,
                           recent.reduce(0, +) / Double(recent.count)))
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let (trainLoss, devLoss, testLoss) = (model.loss(on: train), model.loss(on: dev), model.loss(on: test))
        log(String(format: "after %d steps (%.2f s): train loss %.6f  dev loss %.6f  test loss %.6f", options.steps, seconds, trainLoss, devLoss, testLoss))
        let samples = model.sample(count: options.samples)
        if !samples.isEmpty { log("samples: " + samples.joined(separator: ", ")) }
        try write(model, losses: losses, samples: samples, to: options.outputDirectory)
        log("wrote model.safetensors, loss.svg and samples.txt to \(options.outputDirectory)")
        return CharModelResult(firstBatchLoss: firstBatchLoss, initialTrainLoss: initialTrainLoss, trainLoss: trainLoss,
                               devLoss: devLoss, testLoss: testLoss, stepLosses: losses, samples: samples, trainSeconds: seconds)
    }

    /// The weights (PyTorch's state-dict names), the batch loss curve (means of 100 steps) and the samples.
    static func write(_ model: CharMLP, losses: [Double], samples: [String], to directory: String) throws {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try SafeTensors.write(model.stateDict(), metadata: ["model": "char-mlp 3x10-200-27"],
                              to: folder.appendingPathComponent("model.safetensors"))
        let window = 100
        let means = stride(from: 0, to: losses.count, by: window).map { s -> Double in
            let part = losses[s..<min(s + window, losses.count)]
            return part.reduce(0, +) / Double(part.count)
        }
        var plot = SVGPlot(title: "char-model: batch loss (means of \(window) steps)", xLabel: "step", yLabel: "loss")
        plot.addSeries("batch loss", x: means.indices.map { Double($0 * window + window) }, y: means)
        try Data(plot.render().utf8).write(to: folder.appendingPathComponent("loss.svg"))
        try Data(samples.map { $0 + "\n" }.joined().utf8).write(to: folder.appendingPathComponent("samples.txt"))
    }
}
