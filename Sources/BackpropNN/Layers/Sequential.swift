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

    public func callAsFunction(_ input: Variable) -> Variable {
        layers.reduce(input) { x, layer in layer(x) }
    }

    /// Setting it sets every layer's flag.
    public var isTraining: Bool {
        get { layers.first?.isTraining ?? true }
        set { for layer in layers { layer.isTraining = newValue } }
    }

    public var namedParameters: [(name: String, parameter: Variable)] {
        layers.enumerated().flatMap { prefixed(String($0.offset), $0.element.namedParameters) }
    }

    public var namedBuffers: [(name: String, buffer: Variable)] {
        layers.enumerated().flatMap { i, layer in
            layer.namedBuffers.map { (name: "\(i).\($0.name)", buffer: $0.buffer) }
        }
    }
}

extension Sequential: CustomStringConvertible {
    public var description: String {
        "Sequential(\n" + layers.enumerated().map { "  (\($0.offset)): \(layerName($0.element))" }.joined(separator: "\n") + "\n)"
    }
}
