import BackpropTensor
import BackpropAutograd
import BackpropNN

/// A layer that can describe its evaluation-mode forward pass as ONNX operators.
///
/// The built-in layers conform in `Interop/*+ONNX.swift`; a new layer adds its own conformance
/// the same way, in a file of its own:
/// ```swift
/// extension Tanh: ONNXExportable {
///     public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
///         ONNXValue(name: graph.node("Tanh", [input.name]), shape: input.shape)
///     }
/// }
/// ```
public protocol ONNXExportable: Module {
    /// Adds the nodes that compute this layer's output from `input` (evaluation mode: dropout
    /// off, running statistics) and returns that output with its shape.
    /// - Throws: ``ONNXExportError`` when the input's shape does not suit the layer.
    func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue
}

/// A value flowing between ONNX nodes: its name in the graph and its shape, `nil` for the
/// dynamic batch axis.
public struct ONNXValue: Sendable, Equatable {
    /// The name nodes use to refer to it.
    public let name: String
    /// The shape; `nil` marks an axis whose size is only known at run time (the batch).
    public let shape: [Int?]
    /// A value with this name and shape.
    public init(name: String, shape: [Int?]) { self.name = name; self.shape = shape }
}

/// A value of an ONNX node attribute.
public enum ONNXAttribute: Sendable, Equatable {
    /// A 64-bit integer (`axis`, `transB`, ...).
    case int(Int)
    /// A 32-bit float (`alpha`, `epsilon`, ...).
    case float(Float)
    /// A list of integers (`kernel_shape`, `pads`, ...).
    case ints([Int])
}

/// Why a model could not be exported to ONNX.
public struct ONNXExportError: Error, CustomStringConvertible, Equatable {
    /// The layer's path in the model (`"2"`, `"1.0"`; empty for the model itself) and type.
    public let layer: String
    /// What went wrong.
    public let reason: String
    /// An error about the layer at `layer`.
    public init(layer: String, _ reason: String) { self.layer = layer; self.reason = reason }
    public var description: String {
        "ONNX export: " + (layer.isEmpty ? "" : "layer \(layer): ") + reason
    }
}

/// The graph being built during an export: nodes in execution order and the weights they read.
/// Layers add to it through ``node(_:_:attributes:)``, ``initializer(_:_:)`` and
/// ``constant(_:shape:)``; containers hand it to their children with ``export(_:named:input:)``.
public final class ONNXGraph {
    /// One operator application.
    struct Node {
        var name: String, opType: String, inputs: [String], outputs: [String]
        var attributes: [(name: String, value: ONNXAttribute)]
    }
    /// The element type of the model's inputs, outputs and weights.
    public let dtype: DType
    private(set) var nodes: [Node] = []
    private(set) var initializers: [(name: String, tensor: Tensor)] = []
    private(set) var int64Initializers: [(name: String, values: [Int])] = []
    private var scope: [String] = []
    private var usedNames: Set<String> = ["input", "output"]   // the graph's own input and output
    /// Whether the graph's input holds int64 indices (an `Embedding` reads it first).
    private(set) var inputIsIndices = false
    /// Set by ``indices(_:)`` until the node that reads the input as indices is added.
    private var indexReadPending = false
    /// The input cast to ``dtype``, for nodes other than index readers when the input is int64.
    private var inputAsFloats: String?

    init(dtype: DType) { self.dtype = dtype }

    /// The dotted path of the layer being exported (`"2"`, `"1.0"`), as in state-dict names.
    public var layerPath: String { scope.joined(separator: ".") }

    /// Adds the node `opType(inputs)` with the given attributes and returns its output's name.
    /// Node and output names follow the layer path, as PyTorch's exporter does (`/2/Gemm`).
    @discardableResult
    public func node(_ opType: String, _ inputs: [String],
                     attributes: [(name: String, value: ONNXAttribute)] = []) -> String {
        var inputs = inputs
        if inputIsIndices, inputs.contains("input") {
            if indexReadPending {
                indexReadPending = false
            } else {   // a layer reading the (int64) model input as numbers gets it cast to dtype
                let floats = inputAsFloats ?? append("Cast", ["input"], [("to", .int(ONNXProto.elementType(dtype)))])
                inputAsFloats = floats
                inputs = inputs.map { $0 == "input" ? floats : $0 }
            }
        }
        return append(opType, inputs, attributes)
    }

    private func append(_ opType: String, _ inputs: [String], _ attributes: [(name: String, value: ONNXAttribute)]) -> String {
        let name = unique("/" + scope.joined(separator: "/") + (scope.isEmpty ? "" : "/") + opType)
        let output = name + "_output_0"
        nodes.append(Node(name: name, opType: opType, inputs: inputs, outputs: [output],
                          attributes: attributes.sorted { $0.name < $1.name }))
        return output
    }

    /// Stores a weight under the layer's state-dict name (`"2.weight"`) and returns that name.
    public func initializer(_ name: String, _ tensor: Tensor) -> String {
        let full = unique(scope.isEmpty ? name : layerPath + "." + name)
        initializers.append((full, tensor.converted(to: dtype)))
        return full
    }

    /// Stores constant numbers in the graph's element type and returns their name.
    public func constant(_ values: [Double], shape: [Int]) -> String {
        initializer("const", Tensor(values, shape: shape).converted(to: dtype))
    }

    /// Stores 64-bit integers (a `Reshape` target shape, `Pad`'s pads) under the layer's path and
    /// `name` and returns their name.
    public func int64Constant(_ values: [Int], name: String = "shape") -> String {
        let full = unique(scope.isEmpty ? name : layerPath + "." + name)
        int64Initializers.append((full, values))
        return full
    }

    /// The name of `value` as int64 indices, for a `Gather` that must be the next node to read
    /// it: the model's input itself when no node has read it yet (the input is then declared
    /// int64, so a model that starts with an `Embedding` takes integer token ids), else a `Cast`
    /// of `value` to int64 (which truncates: the values must be whole numbers, as the layers
    /// reading indices require).
    public func indices(_ value: ONNXValue) -> String {
        if value.name == "input", inputIsIndices || !nodes.contains(where: { $0.inputs.contains("input") }) {
            inputIsIndices = true
            indexReadPending = true
            return "input"
        }
        return node("Cast", [value.name], attributes: [("to", .int(ONNXProto.int64Type))])
    }

    /// Exports `child` as the part of the current layer named `name` (its index in a
    /// `Sequential`, its property name in a custom module).
    /// - Throws: ``ONNXExportError`` naming the child when it has no ONNX form.
    public func export(_ child: any Module, named name: String, input: ONNXValue) throws -> ONNXValue {
        scope.append(name)
        defer { scope.removeLast() }
        guard let exportable = child as? any ONNXExportable else {
            throw ONNXExportError(layer: "\(layerPath) (\(type(of: child)))",
                                  "has no ONNX form; make it conform to ONNXExportable (see docs/interop.md)")
        }
        return try exportable.exportONNX(input, into: self)
    }

    /// Renames the graph's final value to `name` (the last node's output), so the model's
    /// output has a readable name.
    func renameOutput(_ value: ONNXValue, to name: String) -> ONNXValue? {
        guard let last = nodes.indices.last, nodes[last].outputs == [value.name] else { return nil }
        nodes[last].outputs = [name]
        return ONNXValue(name: name, shape: value.shape)
    }

    private func unique(_ base: String) -> String {
        var name = base, k = 1
        while usedNames.contains(name) { name = "\(base)_\(k)"; k += 1 }
        usedNames.insert(name)
        return name
    }
}
