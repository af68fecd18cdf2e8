import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd

/// W7's check values (../shared/bench/WORKLOADS.md, computed by the PyTorch peer): the
/// convolutional network built from SplitMix64(71) has PyTorch's initial parameters, and its
/// loss on the first shuffled batch of MNIST is PyTorch's to float32 rounding.
@Suite struct W7CheckTests {
    /// conv 1→16 5×5 pad 2, ReLU, pool → conv 16→32, ReLU, pool → flatten → 1568→128 → ReLU → 10.
    static func network() -> Sequential {
        var g = SplitMix64(seed: 71)
        let conv1 = Conv2d(inChannels: 1, outChannels: 16, kernelSize: 5, padding: 2, generator: &g)
        let conv2 = Conv2d(inChannels: 16, outChannels: 32, kernelSize: 5, padding: 2, generator: &g)
        let fc1 = Linear(inputSize: 1568, outputSize: 128, generator: &g), fc2 = Linear(inputSize: 128, outputSize: 10, generator: &g)
        return Sequential(conv1, ReLU(), MaxPool2d(kernelSize: 2), conv2, ReLU(), MaxPool2d(kernelSize: 2), Flatten(), fc1, ReLU(), fc2)
    }


    @Test func initialParametersArePyTorchs() {
        let state = Self.network().stateDict()
        let expected: [(String, [Int], Double)] = [
            ("0.weight", [0, 0, 0, 0], 0.12608454), ("0.weight", [0, 0, 0, 1], -0.02182028), ("0.weight", [0, 0, 0, 2], 0.05305002),
            ("0.weight", [0, 0, 0, 3], 0.11548410), ("0.bias", [0], 0.14078958), ("0.bias", [1], -0.15717009),
            ("0.bias", [2], -0.03874908), ("9.bias", [0], 0.01189279), ("9.bias", [1], 0.02965834), ("9.bias", [2], 0.02001158),
        ]
        for (name, index, value) in expected {
            let tensor = state[name]!
            #expect(abs(tensor.element(at: tensor.flatOffset(index), as: Double.self) - value) < 5e-9, "\(name)\(index)")
        }
        #expect(state["3.weight"]!.shape == [32, 16, 5, 5])
    }

    @Test(.enabled(if: TestData.mnist != nil, Comment(rawValue: TestData.mnistMissing)))
    func firstBatchLossIsPyTorchs() throws {
        let (train, _) = try MNIST.load(directory: TestData.mnist!, scale: 1.0 / 255)
        let order = DataLoader(train, batchSize: 64, shuffle: true, seed: 72).nextEpochOrder()
        #expect(Array(order[0..<5]) == [7072, 1021, 48770, 32228, 43291])
        var batches = DataLoader(train, batchSize: 64, shuffle: true, seed: 72).makeIterator()
        guard let batch = batches.next() else {
            Issue.record("no batch")
            return
        }
        let loss = crossEntropy(Self.network()(Variable(batch.inputs.reshaped([-1, 1, 28, 28]))), classes: batch.labels)
        #expect(abs(loss.item(as: Double.self) / 2.303548 - 1) < 1e-5, "first-batch loss \(loss.item(as: Double.self))")
    }
}
