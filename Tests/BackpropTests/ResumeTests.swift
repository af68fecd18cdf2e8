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
        loader.map { trainStep(model, optimizer, $0) }
    }

    /// One optimizer step on one batch with cross-entropy; returns the loss.
    static func trainStep(_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch) -> Float {
        optimizer.zeroGrad()
        let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
        loss.backward()
        optimizer.step()
        return loss.value.item(as: Float.self)
    }

    /// Every parameter's and buffer's scalars as bit patterns, by state-dict name.
    static func bits(of model: any Module) -> [String: [UInt64]] {
        model.stateDict().mapValues { t in
            t.dtype == .float32 ? t.scalars(as: Float.self).map { UInt64($0.bitPattern) } : t.scalars(as: Double.self).map(\.bitPattern)
        }
    }
}

/// Stopping mid-epoch, saving a ``Checkpoint`` to a real file, loading it into fresh objects
/// made with other seeds and training on gives exactly the run that never stopped, for every
/// optimizer and scheduler: the checkpoint carries the model (with a Dropout layer, whose
/// generator it saves), the optimizer, the scheduler, and the loader's position and shuffles.
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
        Configuration(description: "Adam, two groups with their own options") {
            Adam(groups: [ParameterGroup(Array($0.prefix(2)), lr: 0.01, options: ["beta1": 0.8, "amsgrad": 1]),
                          ParameterGroup(Array($0.dropFirst(2)), lr: 0.02, weightDecay: 0.01)])
        },
        Configuration(description: "AdamW") { AdamW(parameters: $0, lr: 0.01, weightDecay: 0.05) },
        Configuration(description: "Adadelta") { Adadelta(parameters: $0, lr: 1.0) },
        Configuration(description: "Adamax") { Adamax(parameters: $0, lr: 0.01) },
        Configuration(description: "NAdam") { NAdam(parameters: $0, lr: 0.01) },
        Configuration(description: "SGD momentum + StepLR",
                      makeOptimizer: { SGD(parameters: $0, lr: 0.1, momentum: 0.9) },
                      makeScheduler: { StepLR($0, stepSize: 1, gamma: 0.5) }),
        Configuration(description: "Adam + CosineAnnealingLR",
                      makeOptimizer: { Adam(parameters: $0, lr: 0.02) },
                      makeScheduler: { CosineAnnealingLR($0, tMax: 4) }),
        Configuration(description: "Adagrad + LinearLR",
                      makeOptimizer: { Adagrad(parameters: $0, lr: 0.05) },
                      makeScheduler: { LinearLR($0, startFactor: 0.25, totalIters: 3) }),
        Configuration(description: "RMSprop + ExponentialLR",
                      makeOptimizer: { RMSprop(parameters: $0, lr: 0.01) },
                      makeScheduler: { ExponentialLR($0, gamma: 0.7) }),
        // In max mode a falling loss never improves: the rate halves after every epoch.
        Configuration(description: "SGD + ReduceLROnPlateau",
                      makeOptimizer: { SGD(parameters: $0, lr: 0.1, momentum: 0.5) },
                      makeScheduler: { ReduceLROnPlateau($0, mode: .max, factor: 0.5, patience: 0) }),
    ]

    /// One training run: a model with Dropout, optimizer, shuffling loader and optional
    /// scheduler, trained as a user's loop does (the scheduler steps after each epoch).
    final class Run {
        let model: Sequential
        let dropout: Dropout
        let optimizer: any Optimizer
        let loader: DataLoader
        let scheduler: (any LearningRateScheduler)?
        /// The epoch the loop is in (or resumes in).
        var epoch = 0
        var batchesDone = 0

        init(_ configuration: Configuration, modelSeed: UInt64, loaderSeed: UInt64) {
            var g = SplitMix64(seed: modelSeed)
            dropout = Dropout(p: 0.1, seed: modelSeed + 100)
            model = Sequential(Linear(inputSize: 64, outputSize: 16, generator: &g), ReLU(), dropout,
                               Linear(inputSize: 16, outputSize: 10, generator: &g))
            optimizer = configuration.makeOptimizer(model.parameters)
            loader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: loaderSeed)
            scheduler = configuration.makeScheduler?(optimizer)
        }

        /// Trains until `epochs` are done, or stops after `stopAfter` batches in all.
        func train(epochs: Int, stopAfter: Int = .max) {
            while epoch < epochs {
                var losses: [Float] = []
                for batch in loader {
                    losses.append(TrainingFixture.trainStep(model, optimizer, batch))
                    batchesDone += 1
                    if batchesDone == stopAfter { return }
                }
                if let scheduler = scheduler as? LRScheduler { scheduler.step() }
                if let plateau = scheduler as? ReduceLROnPlateau { plateau.step(Double(losses.reduce(0, +))) }
                epoch += 1
            }
        }

        func save(to url: URL) throws {
            try Checkpoint.save(model: model, optimizer: optimizer, scheduler: scheduler, loader: loader,
                                metadata: ["epoch": String(epoch)], to: url)
        }

        func load(from url: URL) throws {
            let metadata = try Checkpoint.load(into: model, optimizer: optimizer, scheduler: scheduler, loader: loader, from: url)
            epoch = Int(metadata["epoch"]!)!
        }
    }

    @Test(arguments: configurations)
    func resumedMidEpochEqualsUninterruptedTraining(_ configuration: Configuration) throws {
        // 96 examples in batches of 16: 6 batches per epoch; stop after 2 batches of epoch 1.
        let uninterrupted = Run(configuration, modelSeed: 1, loaderSeed: 2)
        uninterrupted.train(epochs: 3)

        let first = Run(configuration, modelSeed: 1, loaderSeed: 2)
        first.train(epochs: 3, stopAfter: 8)
        #expect(first.epoch == 1 && first.loader.epochInProgress?.batchesDone == 2)
        let file = makeTemporaryFolder().appendingPathComponent("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try first.save(to: file)

        // Fresh objects with other seeds: everything that matters must come from the file.
        let resumed = Run(configuration, modelSeed: 77, loaderSeed: 78)
        try resumed.load(from: file)
        #expect(resumed.epoch == 1)
        #expect(resumed.optimizer.parameterGroups.map(\.lr) == first.optimizer.parameterGroups.map(\.lr))
        resumed.train(epochs: 3)

        let expected = TrainingFixture.bits(of: uninterrupted.model)
        #expect(TrainingFixture.bits(of: resumed.model) == expected, "\(configuration) resumed differently")
        #expect(TrainingFixture.bits(of: first.model) != expected, "\(configuration): the last batches changed nothing")
        #expect(resumed.optimizer.stateDict() == uninterrupted.optimizer.stateDict())
        #expect(resumed.scheduler?.stateDict() == uninterrupted.scheduler?.stateDict())
        #expect(resumed.loader.generator.state == uninterrupted.loader.generator.state)
        #expect(resumed.dropout.generator.state == uninterrupted.dropout.generator.state)
    }

    /// A model with BatchNorm (running statistics are buffers in the state dict) resumes
    /// bit-exactly between epochs too; evaluation-mode outputs agree as well.
    @Test func modelWithBatchNormResumesExactly() throws {
        final class Setup {
            let model: Sequential
            let optimizer: Adam
            let loader: DataLoader
            init(modelSeed: UInt64, loaderSeed: UInt64) {
                var g = SplitMix64(seed: modelSeed)
                model = Sequential(Linear(inputSize: 64, outputSize: 24, generator: &g), BatchNorm1d(features: 24), ReLU(),
                                   Dropout(p: 0.2, seed: modelSeed), Linear(inputSize: 24, outputSize: 10, generator: &g))
                optimizer = Adam(parameters: model.parameters, lr: 0.01)
                loader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: loaderSeed)
            }
            func train(epochs: Int) { for _ in 0..<epochs { TrainingFixture.trainEpoch(model, optimizer, loader) } }
        }
        let uninterrupted = Setup(modelSeed: 1, loaderSeed: 2)
        uninterrupted.train(epochs: 3)

        let first = Setup(modelSeed: 1, loaderSeed: 2)
        first.train(epochs: 2)
        #expect(first.loader.epochInProgress == nil)
        let file = makeTemporaryFolder().appendingPathComponent("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Checkpoint.save(model: first.model, optimizer: first.optimizer, loader: first.loader, to: file)

        let resumed = Setup(modelSeed: 3, loaderSeed: 4)
        #expect(try Checkpoint.load(into: resumed.model, optimizer: resumed.optimizer, loader: resumed.loader, from: file) == [:])
        resumed.train(epochs: 1)

        #expect(TrainingFixture.bits(of: resumed.model) == TrainingFixture.bits(of: uninterrupted.model))
        #expect(resumed.model.stateDict()["1.num_batches_tracked"]?.item(as: Double.self) == 18)
        resumed.model.eval()
        uninterrupted.model.eval()
        let x = Variable(TrainingFixture.digits.test.inputs)
        #expect(resumed.model(x).value == uninterrupted.model(x).value)
    }

    /// Each random part of the state matters: resuming without the loader's shuffles, or
    /// without the Dropout generator, ends elsewhere (so the tests above would notice either
    /// being lost).
    @Test func resumingWithoutTheRandomStateDiverges() throws {
        let configuration = Self.configurations[0]
        let uninterrupted = Run(configuration, modelSeed: 1, loaderSeed: 2)
        uninterrupted.train(epochs: 3)
        let first = Run(configuration, modelSeed: 1, loaderSeed: 2)
        first.train(epochs: 2)
        for keepLoader in [false, true] {
            let resumed = Run(configuration, modelSeed: 5, loaderSeed: keepLoader ? 2 : 5)
            try resumed.model.loadStateDict(first.model.stateDict())
            try resumed.optimizer.loadStateDict(first.optimizer.stateDict())
            if keepLoader { resumed.loader.generator = first.loader.generator } else { resumed.dropout.generator = first.dropout.generator }
            resumed.epoch = 2
            resumed.train(epochs: 3)
            #expect(TrainingFixture.bits(of: resumed.model) != TrainingFixture.bits(of: uninterrupted.model))
        }
    }
}
