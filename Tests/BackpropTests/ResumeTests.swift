import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Shared by the resume, determinism, concurrency and PyTorch-parity tests: a small real data
/// set (the 8x8 digits), a tiny MLP and a training loop with a shuffling loader.
enum TrainingFixture {
    /// `../shared/datasets/digits` next to the repository (found from this file's path).
    static let digitsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/datasets/digits").standardized

    /// Whether the digits are on this machine.
    static var hasDigits: Bool {
        FileManager.default.fileExists(atPath: digitsDirectory.appendingPathComponent("train-labels-idx1-ubyte").path)
    }

    /// The digits (pixels scaled to [0, 1]), or when absent a synthetic stand-in of the same
    /// shape: 10 Gaussian blobs in 64 dimensions.
    static let digits: (train: TensorDataset, test: TensorDataset) = {
        if hasDigits, let sets = try? MNIST.load(directory: digitsDirectory, scale: 1.0 / 16) { return sets }
        var g = SplitMix64(seed: 99)
        func blobs(_ n: Int) -> TensorDataset {
            var x = [Float](), labels = [Int]()
            for i in 0..<n {
                let c = i % 10
                labels.append(c)
                for d in 0..<64 { x.append(Float((d % 10 == c ? 1.0 : 0.0) + 0.3 * g.nextNormal())) }
            }
            return TensorDataset(inputs: Tensor(x, shape: [n, 64]), labels: labels)
        }
        return (blobs(400), blobs(100))
    }()

    /// The first `count` training examples: enough for a few real steps, fast in debug builds.
    static func smallTrainingSet(_ count: Int = 96) -> TensorDataset {
        digits.train.subset(Array(0..<count))
    }

    /// `Linear(64 → hidden) → ReLU → Linear(hidden → 10)`, initialised from `seed`.
    static func makeModel(seed: UInt64, hidden: Int = 16) -> Sequential {
        var g = SplitMix64(seed: seed)
        return Sequential(Linear(inputSize: 64, outputSize: hidden, generator: &g), ReLU(),
                          Linear(inputSize: hidden, outputSize: 10, generator: &g))
    }

    /// One epoch of mini-batch training with cross-entropy; returns the losses.
    @discardableResult
    static func trainEpoch(_ model: any Module, _ optimizer: any Optimizer, _ loader: DataLoader) -> [Float] {
        var losses: [Float] = []
        for batch in loader {
            optimizer.zeroGrad()
            let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.value.item(as: Float.self))
        }
        return losses
    }

    /// Every parameter's and buffer's scalars as bit patterns, by state-dict name.
    static func bits(of model: any Module) -> [String: [UInt64]] {
        model.stateDict().mapValues { t in
            t.dtype == .float32 ? t.scalars(as: Float.self).map { UInt64($0.bitPattern) } : t.scalars(as: Double.self).map(\.bitPattern)
        }
    }
}

/// Stopping after N epochs, saving a ``Checkpoint`` to a real file, loading it into fresh
/// objects and training M more gives exactly the parameters of N + M epochs in one go, for
/// every optimizer. The checkpoint's metadata carries the loader's shuffle generator and the
/// scheduler's epoch.
@Suite struct ResumeTests {
    /// An optimizer configuration under test, and optionally a learning-rate schedule on it.
    struct Configuration: CustomStringConvertible, Sendable {
        let description: String
        let makeOptimizer: @Sendable ([Variable]) -> any Optimizer
        var makeScheduler: (@Sendable (any Optimizer) -> any LearningRateScheduler)? = nil
    }

    static let configurations: [Configuration] = [
        Configuration(description: "SGD") { SGD(parameters: $0, lr: 0.1) },
        Configuration(description: "SGD momentum nesterov") {
            SGD(parameters: $0, lr: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true)
        },
        Configuration(description: "Adagrad") { Adagrad(parameters: $0, lr: 0.05, lrDecay: 1e-3) },
        Configuration(description: "RMSprop centered momentum") {
            RMSprop(parameters: $0, lr: 0.01, weightDecay: 1e-3, momentum: 0.9, centered: true)
        },
        Configuration(description: "Adam") { Adam(parameters: $0, lr: 0.01) },
        Configuration(description: "Adam amsgrad") { Adam(parameters: $0, lr: 0.01, weightDecay: 1e-3, amsgrad: true) },
        Configuration(description: "AdamW") { AdamW(parameters: $0, lr: 0.01, weightDecay: 0.05) },
        Configuration(description: "Adadelta") { Adadelta(parameters: $0, lr: 1.0) },
        Configuration(description: "Adamax") { Adamax(parameters: $0, lr: 0.01) },
        Configuration(description: "NAdam") { NAdam(parameters: $0, lr: 0.01) },
        Configuration(description: "SGD momentum + StepLR",
                      makeOptimizer: { SGD(parameters: $0, lr: 0.1, momentum: 0.9) },
                      makeScheduler: { StepLR($0, stepSize: 1, gamma: 0.5) }),
        Configuration(description: "Adam + CosineAnnealingLR",
                      makeOptimizer: { Adam(parameters: $0, lr: 0.02) },
                      makeScheduler: { CosineAnnealingLR($0, maxEpochs: 4) }),
        Configuration(description: "Adagrad + LinearWarmup",
                      makeOptimizer: { Adagrad(parameters: $0, lr: 0.05) },
                      makeScheduler: { LinearWarmup($0, startFactor: 0.25, totalEpochs: 3) }),
        Configuration(description: "RMSprop + ExponentialLR",
                      makeOptimizer: { RMSprop(parameters: $0, lr: 0.01) },
                      makeScheduler: { ExponentialLR($0, gamma: 0.7) }),
    ]

    /// One training run: model, optimizer, shuffling loader and optional scheduler.
    final class Run {
        let model: Sequential
        let optimizer: any Optimizer
        let loader: DataLoader
        let scheduler: (any LearningRateScheduler)?
        var epochsDone = 0

        init(_ configuration: Configuration, modelSeed: UInt64, loaderSeed: UInt64) {
            model = TrainingFixture.makeModel(seed: modelSeed)
            optimizer = configuration.makeOptimizer(model.parameters)
            loader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: loaderSeed)
            scheduler = configuration.makeScheduler?(optimizer)
        }

        func train(epochs: Int) {
            for _ in 0..<epochs {
                TrainingFixture.trainEpoch(model, optimizer, loader)
                scheduler?.step()
                epochsDone += 1
            }
        }

        /// Model, optimizer, loader generator and scheduler epoch, in one safetensors file.
        func save(to url: URL) throws {
            var metadata = ["epoch": String(epochsDone), "loader.generator.state": String(loader.generator.state)]
            if let scheduler { metadata["scheduler.epoch"] = String(scheduler.epoch) }
            try Checkpoint.save(model: model, optimizer: optimizer, metadata: metadata, to: url)
        }

        /// Restores everything ``save(to:)`` wrote. A scheduler is made before loading (it
        /// captures the initial rate); setting its epoch afterwards re-applies the saved rate.
        func load(from url: URL) throws {
            let metadata = try Checkpoint.load(into: model, optimizer: optimizer, from: url)
            loader.generator = SplitMix64(seed: UInt64(metadata["loader.generator.state"]!)!)
            if let scheduler { scheduler.epoch = Int(metadata["scheduler.epoch"]!)! }
            epochsDone = Int(metadata["epoch"]!)!
        }
    }

    @Test(arguments: configurations)
    func resumedTrainingEqualsUninterruptedTraining(_ configuration: Configuration) throws {
        let (n, m) = (2, 2)
        let uninterrupted = Run(configuration, modelSeed: 1, loaderSeed: 2)
        uninterrupted.train(epochs: n + m)

        let first = Run(configuration, modelSeed: 1, loaderSeed: 2)
        first.train(epochs: n)
        let file = makeTemporaryFolder().appendingPathComponent("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try first.save(to: file)

        // Fresh objects with other seeds: everything that matters must come from the file.
        let resumed = Run(configuration, modelSeed: 77, loaderSeed: 78)
        try resumed.load(from: file)
        #expect(resumed.epochsDone == n)
        #expect(resumed.optimizer.lr == first.optimizer.lr)
        resumed.train(epochs: m)

        let expected = TrainingFixture.bits(of: uninterrupted.model)
        #expect(TrainingFixture.bits(of: resumed.model) == expected, "\(configuration) resumed differently")
        #expect(TrainingFixture.bits(of: first.model) != expected, "\(configuration): the last epochs changed nothing")
        #expect(resumed.optimizer.stateDict() == uninterrupted.optimizer.stateDict())
        #expect(resumed.loader.generator.state == uninterrupted.loader.generator.state)
    }

    /// A model with BatchNorm (running statistics are buffers in the state dict) and Dropout
    /// (whose mask generator, like the loader's, goes into the metadata) resumes bit-exactly too;
    /// evaluation-mode outputs (running statistics, no dropout) agree as well.
    @Test func modelWithBatchNormAndDropoutResumesExactly() throws {
        final class Setup {
            let dropout = Dropout(p: 0.2, seed: 9)
            let model: Sequential
            let optimizer: Adam
            let loader: DataLoader
            init(modelSeed: UInt64, loaderSeed: UInt64) {
                var g = SplitMix64(seed: modelSeed)
                model = Sequential(Linear(inputSize: 64, outputSize: 24, generator: &g), BatchNorm1d(features: 24), ReLU(),
                                   dropout, Linear(inputSize: 24, outputSize: 10, generator: &g))
                optimizer = Adam(parameters: model.parameters, lr: 0.01)
                loader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: loaderSeed)
            }
            func train(epochs: Int) { for _ in 0..<epochs { TrainingFixture.trainEpoch(model, optimizer, loader) } }
        }
        let uninterrupted = Setup(modelSeed: 1, loaderSeed: 2)
        uninterrupted.train(epochs: 3)

        let first = Setup(modelSeed: 1, loaderSeed: 2)
        first.train(epochs: 2)
        let file = makeTemporaryFolder().appendingPathComponent("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Checkpoint.save(model: first.model, optimizer: first.optimizer,
                            metadata: ["loader.generator.state": String(first.loader.generator.state),
                                       "dropout.generator.state": String(first.dropout.generator.state)], to: file)

        let resumed = Setup(modelSeed: 3, loaderSeed: 4)
        let metadata = try Checkpoint.load(into: resumed.model, optimizer: resumed.optimizer, from: file)
        resumed.loader.generator = SplitMix64(seed: UInt64(metadata["loader.generator.state"]!)!)
        resumed.dropout.generator = SplitMix64(seed: UInt64(metadata["dropout.generator.state"]!)!)
        resumed.train(epochs: 1)

        #expect(TrainingFixture.bits(of: resumed.model) == TrainingFixture.bits(of: uninterrupted.model))
        #expect(resumed.model.stateDict()["1.num_batches_tracked"]?.item(as: Double.self) == 18)
        resumed.model.eval()
        uninterrupted.model.eval()
        let x = Variable(TrainingFixture.digits.test.inputs)
        #expect(resumed.model(x).value == uninterrupted.model(x).value)
    }

    /// The loader's generator is part of the state: resuming without it visits the examples in
    /// another order and ends elsewhere (so the test above would notice a lost shuffle state).
    @Test func resumingWithoutTheShuffleStateDiverges() throws {
        let configuration = Self.configurations[0]
        let uninterrupted = Run(configuration, modelSeed: 1, loaderSeed: 2)
        uninterrupted.train(epochs: 3)
        let first = Run(configuration, modelSeed: 1, loaderSeed: 2)
        first.train(epochs: 2)
        let resumed = Run(configuration, modelSeed: 5, loaderSeed: 2)
        try resumed.model.loadStateDict(first.model.stateDict())
        try resumed.optimizer.loadStateDict(first.optimizer.stateDict())
        resumed.train(epochs: 1)   // the loader starts its shuffles from the seed again
        #expect(TrainingFixture.bits(of: resumed.model) != TrainingFixture.bits(of: uninterrupted.model))
    }
}
