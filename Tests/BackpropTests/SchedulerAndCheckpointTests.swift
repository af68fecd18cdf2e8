import Foundation
import Testing
@testable import Backprop

/// ReduceLROnPlateau against PyTorch, and checkpoints that change nothing unless every part
/// loads. (docs/custom-optimizer.md checks its Lion against a NumPy reference itself.)
@Suite struct SchedulerAndCheckpointTests {
    /// PyTorch 2.15: `SGD([{"params": [p], "lr": 1.0}, {"params": [q], "lr": 0.1}])`,
    /// `ReduceLROnPlateau(opt, **options)`, then each group's lr after each `step(metric)`:
    /// ```python
    /// for m in metrics: s.step(m); print([g["lr"] for g in opt.param_groups])
    /// ```
    @Test func reduceLROnPlateauMatchesPyTorch() {
        let metrics = [1.0, 0.9, 0.95, 0.95, 0.89, 0.9, 0.91, 0.92, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7]
        let cases: [(String, (any Optimizer) -> ReduceLROnPlateau, [[Double]])] = [
            ("mode='min', factor=0.5, patience=1", { ReduceLROnPlateau($0, factor: 0.5, patience: 1) },
             [[1.0, 0.1], [1.0, 0.1], [1.0, 0.1], [0.5, 0.05], [0.5, 0.05], [0.5, 0.05], [0.25, 0.025], [0.25, 0.025],
              [0.25, 0.025], [0.25, 0.025], [0.125, 0.0125], [0.125, 0.0125], [0.0625, 0.00625], [0.0625, 0.00625]]),
            ("mode='min', factor=0.5, patience=1, threshold=0.05, threshold_mode='abs', cooldown=2",
             { ReduceLROnPlateau($0, factor: 0.5, patience: 1, threshold: 0.05, thresholdMode: .abs, cooldown: 2) },
             [[1.0, 0.1], [1.0, 0.1], [1.0, 0.1], [0.5, 0.05], [0.5, 0.05], [0.5, 0.05], [0.5, 0.05], [0.25, 0.025],
              [0.25, 0.025], [0.25, 0.025], [0.25, 0.025], [0.125, 0.0125], [0.125, 0.0125], [0.125, 0.0125]]),
            ("mode='max', factor=0.1, patience=0, min_lr=[0.02, 0.001]",
             { ReduceLROnPlateau($0, mode: .max, factor: 0.1, patience: 0, minLRs: [0.02, 0.001]) },
             [[1.0, 0.1], [0.1, 0.010000000000000002]] + Array(repeating: [0.02, 0.0010000000000000002], count: 12)),
        ]
        for (name, make, expected) in cases {
            let optimizer = SGD(groups: [ParameterGroup([Variable(Tensor.zeros([1]), requiresGrad: true)], lr: 1.0),
                                         ParameterGroup([Variable(Tensor.zeros([1]), requiresGrad: true)], lr: 0.1)])
            let scheduler = make(optimizer)
            var rates: [[Double]] = []
            for metric in metrics {
                scheduler.step(metric)
                rates.append(scheduler.learningRates)
            }
            #expect(rates == expected, "\(name)")
        }
    }

    /// A checkpoint whose optimizer part does not fit (an SGD-momentum state into Adam, or no
    /// optimizer state at all) is refused with the model, optimizer, scheduler and loader as
    /// they were.
    @Test func aFailedLoadChangesNothing() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = TrainingFixture.makeModel(seed: 1)
        let sgd = SGD(parameters: source.parameters, lr: 0.1, momentum: 0.9)
        let sourceLoader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: 3)
        TrainingFixture.trainEpoch(source, sgd, sourceLoader)
        let withSGD = folder.appendingPathComponent("sgd.safetensors"), modelOnly = folder.appendingPathComponent("model.safetensors")
        try Checkpoint.save(model: source, optimizer: sgd, scheduler: StepLR(sgd, stepSize: 1), loader: sourceLoader, to: withSGD)
        try Checkpoint.save(model: source, to: modelOnly)

        let model = TrainingFixture.makeModel(seed: 2)
        let adam = Adam(parameters: model.parameters, lr: 0.01)
        let loader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: 4)
        TrainingFixture.trainEpoch(model, adam, loader)
        let scheduler = StepLR(adam, stepSize: 2)
        scheduler.step()
        let before = (TrainingFixture.bits(of: model), adam.stateDict(), scheduler.stateDict(), loader.generator.state)
        for file in [withSGD, modelOnly] {
            #expect(throws: StateDictError.self) {
                try Checkpoint.load(into: model, optimizer: adam, scheduler: scheduler, loader: loader, from: file)
            }
            #expect(TrainingFixture.bits(of: model) == before.0, "\(file.lastPathComponent): the model changed")
            #expect(adam.stateDict() == before.1 && scheduler.stateDict() == before.2 && loader.generator.state == before.3)
        }
        // The same file loads into objects it fits.
        let fresh = TrainingFixture.makeModel(seed: 2), freshSGD = SGD(parameters: fresh.parameters, lr: 0.5, momentum: 0.9)
        try Checkpoint.load(into: fresh, optimizer: freshSGD, scheduler: StepLR(freshSGD, stepSize: 1), loader: loader, from: withSGD)
        #expect(TrainingFixture.bits(of: fresh) == TrainingFixture.bits(of: source) && freshSGD.stateDict() == sgd.stateDict())
        #expect(loader.generator.state == sourceLoader.generator.state)
    }

    @Test func checkpointMetadataKeepsItsOwnNamespace() throws {
        let file = makeTemporaryFolder().appendingPathComponent("c.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        #expect(throws: StateDictError.unexpectedKeys(["backprop.loader.generator"])) {
            try Checkpoint.save(model: TrainingFixture.makeModel(seed: 1), metadata: ["backprop.loader.generator": "1"], to: file)
        }
    }
}
