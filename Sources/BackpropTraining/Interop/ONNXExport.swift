import Foundation
import BackpropTensor
import BackpropNN

/// Writes `model` as an ONNX file (opset 17, IR version 8) that onnxruntime, Netron and other
/// ONNX tools read. The graph computes the model in evaluation mode: dropout is the identity
/// and batch normalisation uses the running statistics. The input is named `input` with shape
/// `[batch] + inputShape`, the batch axis left dynamic, in the graph's element type (int64 token
/// ids when an `Embedding` reads it first); the output is named `output`; weights
/// keep their state-dict names (`"0.weight"`).
/// ```swift
/// try exportONNX(model, inputShape: [64], to: URL(fileURLWithPath: "model.onnx"))
/// ```
/// - Parameters:
///   - inputShape: the shape of one example, without the batch axis.
///   - dtype: the element type of the graph; `nil` keeps the model's. onnxruntime's CPU
///     provider has no `float64` kernels for `Elu`, `Erf` (GELU), `Softplus`, `Conv`,
///     `AveragePool` and `GlobalAveragePool`: export a `float64` model that uses them with
///     `dtype: .float32`.
/// - Throws: ``ONNXExportError`` naming the first layer that has no ONNX form (see
///   ``ONNXExportable``) or that does not accept the input's shape; a file error if writing fails.
public func exportONNX(_ model: any Module, inputShape: [Int], dtype: DType? = nil, to url: URL) throws {
    let bytes = try onnxModelBytes(model, inputShape: inputShape, dtype: dtype)
    try Data(bytes).write(to: url, options: .atomic)
}

/// The bytes of the ONNX `ModelProto` that ``exportONNX(_:inputShape:dtype:to:)`` writes.
func onnxModelBytes(_ model: any Module, inputShape: [Int], dtype: DType? = nil) throws -> [UInt8] {
    if let bad = inputShape.first(where: { $0 <= 0 }) {
        throw ONNXExportError(layer: "", "inputShape \(inputShape) has a non-positive size \(bad)")
    }
    let graph = ONNXGraph(dtype: dtype ?? model.parameters.first?.dtype ?? .float32)
    let input = ONNXValue(name: "input", shape: [nil] + inputShape.map { $0 })
    let result: ONNXValue
    if let exportable = model as? any ONNXExportable {
        result = try exportable.exportONNX(input, into: graph)
    } else {
        throw ONNXExportError(layer: "", "the model (\(type(of: model))) has no ONNX form; make it conform to ONNXExportable (see docs/interop.md)")
    }
    let output = graph.renameOutput(result, to: "output") ?? {
        let name = graph.node("Identity", [result.name])
        return graph.renameOutput(ONNXValue(name: name, shape: result.shape), to: "output")!
    }()
    var writer = ProtobufWriter()
    ONNXProto.model(graph, input: input, output: output, into: &writer)
    return writer.bytes
}

/// The ONNX messages (onnx.proto, proto2) with their field numbers, encoded in field order.
enum ONNXProto {
    static let irVersion = 8, opsetVersion = 17
    /// `TensorProto.DataType`.
    static func elementType(_ dtype: DType) -> Int { dtype == .float32 ? 1 : 11 }
    static let int64Type = 7

    static func model(_ graph: ONNXGraph, input: ONNXValue, output: ONNXValue, into w: inout ProtobufWriter) {
        w.int(1, irVersion)                                   // ir_version
        w.string(2, "Backprop")                               // producer_name
        w.message(7) { g in                                   // graph
            for node in graph.nodes { g.message(1) { self.node(node, into: &$0) } }
            g.string(2, "backprop")
            for (name, tensor) in graph.initializers {
                g.message(5) { self.tensor(name: name, dims: tensor.shape, type: elementType(tensor.dtype),
                                           raw: rawBytes(tensor), into: &$0) }
            }
            for (name, values) in graph.int64Initializers {
                let raw = values.flatMap { v in withUnsafeBytes(of: Int64(v).littleEndian) { Array($0) } }
                g.message(5) { self.tensor(name: name, dims: [values.count], type: int64Type, raw: raw, into: &$0) }
            }
            g.message(11) { valueInfo(input, type: graph.inputIsIndices ? int64Type : elementType(graph.dtype), into: &$0) }
            g.message(12) { valueInfo(output, type: elementType(graph.dtype), into: &$0) }
        }
        w.message(8) { $0.int(2, opsetVersion) }              // opset_import { version }
    }

    static func node(_ node: ONNXGraph.Node, into w: inout ProtobufWriter) {
        for input in node.inputs { w.string(1, input) }
        for output in node.outputs { w.string(2, output) }
        w.string(3, node.name)
        w.string(4, node.opType)
        for (name, value) in node.attributes { w.message(5) { attribute(name, value, into: &$0) } }
    }

    /// `AttributeProto`: name, the value in its typed field, and `type` (FLOAT 1, INT 2, INTS 7).
    static func attribute(_ name: String, _ value: ONNXAttribute, into w: inout ProtobufWriter) {
        w.string(1, name)
        switch value {
        case .float(let f): w.float(2, f); w.int(20, 1)
        case .int(let i): w.int(3, i); w.int(20, 2)
        case .ints(let list): for i in list { w.int(8, i) }; w.int(20, 7)
        }
    }

    /// `TensorProto` with its values as little-endian `raw_data`.
    static func tensor(name: String, dims: [Int], type: Int, raw: [UInt8], into w: inout ProtobufWriter) {
        for d in dims { w.int(1, d) }
        w.int(2, type)
        w.string(8, name)
        w.bytes(9, raw)
    }

    /// `ValueInfoProto` of a tensor; `nil` sizes become the symbolic dimension `batch`.
    static func valueInfo(_ value: ONNXValue, type: Int, into w: inout ProtobufWriter) {
        w.string(1, value.name)
        w.message(2) { t in                                   // TypeProto
            t.message(1) { tensorType in                      // tensor_type
                tensorType.int(1, type)                       // elem_type
                tensorType.message(2) { shape in              // shape
                    for size in value.shape {
                        shape.message(1) { dim in
                            if let size { dim.int(1, size) } else { dim.string(2, "batch") }
                        }
                    }
                }
            }
        }
    }

    static func rawBytes(_ tensor: Tensor) -> [UInt8] {
        switch tensor.dtype {
        case .float32: tensor.scalars(as: Float.self).flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        case .float64: tensor.scalars(as: Double.self).flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        }
    }
}
