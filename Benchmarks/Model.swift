// The networks of W1 and W2, built from the framework's layers as a user would write them.
import Backprop

/// `Linear, activation, Linear, activation, ..., Linear` with PyTorch's `nn.Linear` init drawn
/// from one SplitMix64 (weight row-major first, then bias, layer by layer from the input).
func multilayerPerceptron(sizes: [Int], activation: () -> any Module, seed: UInt64) -> Sequential {
    var generator = SplitMix64(seed: seed)
    var layers: [any Module] = []
    for i in 0..<(sizes.count - 1) {
        layers.append(Linear(inputSize: sizes[i], outputSize: sizes[i + 1], generator: &generator))
        if i < sizes.count - 2 { layers.append(activation()) }
    }
    return Sequential(layers: layers)
}
