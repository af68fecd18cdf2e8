import Foundation
import Synchronization
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Trains a model whose matrix products and element-wise passes are big enough to be split
/// over threads (`512 x 64 · 64 x 256` and `512 x 256` activations), and returns every
/// parameter's bits and the losses' bits.
private func trainMediumModel(seed: UInt64, steps: Int = 4) -> (parameters: [String: [UInt64]], losses: [UInt32]) {
    let data = TrainingFixture.digits.train.subset(Array(0..<1024))
    let model = TrainingFixture.makeModel(seed: seed, hidden: 256)
    let optimizer = Adam(parameters: model.parameters, lr: 0.01)
    let loader = DataLoader(data, batchSize: 512, shuffle: true, seed: seed &+ 1)
    var losses: [Float] = []
    while losses.count < steps { losses += TrainingFixture.trainEpoch(model, optimizer, loader) }
    return (TrainingFixture.bits(of: model), losses.map(\.bitPattern))
}

/// Trains the small model of the resume tests with a given optimizer for 2 epochs.
private func trainSmallModel(seed: UInt64, optimizer makeOptimizer: ([Variable]) -> any Optimizer) -> [String: [UInt64]] {
    let model = TrainingFixture.makeModel(seed: seed)
    let optimizer = makeOptimizer(model.parameters)
    let loader = DataLoader(TrainingFixture.smallTrainingSet(), batchSize: 16, shuffle: true, seed: seed &+ 100)
    for _ in 0..<2 { TrainingFixture.trainEpoch(model, optimizer, loader) }
    return TrainingFixture.bits(of: model)
}

/// End-to-end determinism: the same seed gives the same training run, bit for bit, whatever
/// the number of kernel threads (the kernel-level checks are in the kernel/determinism tests).
@Suite(.serialized) struct TrainingDeterminismTests {
    @Test func sameSeedTrainsIdenticallyWithOneAndTwoThreads() {
        let saved = Threading.threadCount
        defer { Threading.threadCount = saved }
        Threading.threadCount = 1
        let single = trainMediumModel(seed: 5)
        let singleAgain = trainMediumModel(seed: 5)
        Threading.threadCount = 2
        let double = trainMediumModel(seed: 5)
        let doubleAgain = trainMediumModel(seed: 5)

        #expect(single.parameters == singleAgain.parameters)
        #expect(single.losses == singleAgain.losses)
        #expect(double.parameters == doubleAgain.parameters)
        #expect(double.losses == doubleAgain.losses)
        // The kernels promise results independent of the thread count.
        #expect(single.parameters == double.parameters)
        #expect(single.losses == double.losses)
        // And training did something: another seed ends elsewhere.
        #expect(trainMediumModel(seed: 6, steps: 1).losses.first != single.losses.first)
    }
}

/// Separate models trained at the same time on separate threads do not disturb each other:
/// each ends exactly where it ends when trained alone.
@Suite struct ConcurrencyTests {
    /// Results written by the worker threads.
    final class Results: Sendable {
        let values = Mutex<[Int: [String: [UInt64]]]>([:])
        func set(_ index: Int, _ bits: [String: [UInt64]]) { values.withLock { $0[index] = bits } }
        var all: [Int: [String: [UInt64]]] { values.withLock { $0 } }
    }

    /// Each worker's optimizer: one per family, so shared optimizer code runs concurrently.
    static func optimizer(_ index: Int, _ parameters: [Variable]) -> any Optimizer {
        switch index % 4 {
        case 0: return SGD(parameters: parameters, lr: 0.1, momentum: 0.9, nesterov: true)
        case 1: return Adam(parameters: parameters, lr: 0.01, amsgrad: true)
        case 2: return RMSprop(parameters: parameters, lr: 0.01, momentum: 0.5, centered: true)
        default: return NAdam(parameters: parameters, lr: 0.01)
        }
    }

    @Test func fourThreadsTrainingAtOnceMatchTrainingAlone() {
        let workers = 4
        let alone = (0..<workers).map { i in trainSmallModel(seed: UInt64(10 + i)) { Self.optimizer(i, $0) } }

        let results = Results()
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for i in 0..<workers {
            group.enter()
            let thread = Thread {
                start.wait()   // all threads start training together
                results.set(i, trainSmallModel(seed: UInt64(10 + i)) { Self.optimizer(i, $0) })
                group.leave()
            }
            thread.start()
        }
        for _ in 0..<workers { start.signal() }
        group.wait()

        let together = results.all
        for i in 0..<workers {
            #expect(together[i] == alone[i], "worker \(i) trained differently on its own thread")
        }
        #expect(alone[0] != alone[1])
    }

    @Test func tasksTrainingAtOnceMatchTrainingAlone() async {
        let seeds: [UInt64] = [21, 22, 23, 24]
        let alone = seeds.enumerated().map { i, seed in trainSmallModel(seed: seed) { Self.optimizer(i, $0) } }
        let together = await withTaskGroup(of: (Int, [String: [UInt64]]).self) { group in
            for (i, seed) in seeds.enumerated() {
                group.addTask { (i, trainSmallModel(seed: seed) { Self.optimizer(i, $0) }) }
            }
            var results: [Int: [String: [UInt64]]] = [:]
            for await (i, bits) in group { results[i] = bits }
            return results
        }
        for i in seeds.indices { #expect(together[i] == alone[i], "task \(i) trained differently") }
    }

    /// Medium models whose kernels themselves use threads, trained on two threads at once.
    @Test func threadedKernelsOnConcurrentThreads() {
        let alone = [trainMediumModel(seed: 31, steps: 2), trainMediumModel(seed: 32, steps: 2)]
        let results = Mutex<[Int: [String: [UInt64]]]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let bits = trainMediumModel(seed: UInt64(31 + i), steps: 2).parameters
            results.withLock { $0[i] = bits }
        }
        let together = results.withLock { $0 }
        for i in 0..<2 { #expect(together[i] == alone[i].parameters) }
    }

    /// A tensor shared by several threads keeps its value while each thread changes its own copy
    /// (copy-on-write is safe across threads).
    @Test func sharedTensorCopiesAreIndependentAcrossThreads() {
        let shared = Tensor.arange(0, 1000, dtype: .float32)
        let sums = Mutex<[Int: Double]>([:])
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            var mine = shared
            for _ in 0..<50 {
                mine[0] = Double(i)
                mine = mine + 1
            }
            let sum = mine.sum().item(as: Double.self)
            sums.withLock { $0[i] = sum }
        }
        #expect(shared.scalars(as: Float.self) == (0..<1000).map(Float.init))
        // Each copy: elements 1..999 grew by 50, element 0 was reset to i before each +1.
        let base = (1..<1000).reduce(0.0) { $0 + Double($1) } + 999 * 50
        for i in 0..<8 { #expect(sums.withLock { $0[i] } == base + Double(i) + 1) }
    }

    /// The value types a user hands between threads are `Sendable` (checked by the compiler).
    @Test func valueTypesAreSendable() {
        func isSendable<T: Sendable>(_: T.Type) -> Bool { true }
        #expect(isSendable(Tensor.self))
        #expect(isSendable(SplitMix64.self))
        #expect(isSendable(DType.self))
        #expect(isSendable(Reduction.self))
        #expect(isSendable(Batch.self))
        #expect(isSendable(TensorDataset.self))
        #expect(isSendable(Standardizer.self))
        #expect(isSendable(MinMaxScaler.self))
        #expect(isSendable(GradientCheck.Result.self))
        #expect(isSendable(StateDictError.self))
        #expect(isSendable(FileFormatError.self))
        #expect(isSendable(Initializers.Nonlinearity.self))
        #expect(isSendable(ConfusionMatrix.self))
        #expect(isSendable(TrainingHistory.self))
        #expect(isSendable(TrainingHistory.Epoch.self))
        #expect(isSendable(SVGPlot.self))
    }
}
