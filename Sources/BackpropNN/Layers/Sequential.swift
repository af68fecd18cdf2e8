import BackpropTensor
import BackpropAutograd
/// Layers applied one after another; parameters are named by position (`"0.weight"`,
/// `"2.bias"`) as in PyTorch's `nn.Sequential`.
/// ```swift
/// var g = SplitMix64(seed: 1)
/// let model = Sequential(Linear(inputSize: 784, outputSize: 256, generator: &g), ReLU(),
///                        Linear(inputSize: 256, outputSize: 10, generator: &g))
/// ```
public final class Sequential: Module {
    /// The layers, applied in order.
    public let layers: [any Module]

    /// Creates the container from an array of layers.
    public init(layers: [any Module]) { self.layers = layers }
    /// Creates the container from the layers listed.
    public convenience init(_ layers: any Module...) { self.init(layers: layers) }

    /// The output of the last layer, each layer applied to the output of the one before.
    public func callAsFunction(_ input: Variable) -> Variable {
        layers.reduce(input) { x, layer in layer(x) }
    }

    /// The layers, named by position: `"0"`, `"1"`, ...
    public var namedChildren: [(name: String, module: any Module)] {
        layers.enumerated().map { (name: String($0.offset), module: $0.element) }
    }
}
