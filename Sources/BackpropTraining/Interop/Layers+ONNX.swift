import BackpropTensor
import BackpropAutograd
import BackpropNN

// The ONNX form of the built-in layers other than activations (see Activations+ONNX.swift).

extension Sequential: ONNXExportable {
    /// Each layer in turn, named by its position as in the state dictionary.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        var x = input
        for (i, layer) in layers.enumerated() { x = try graph.export(layer, named: String(i), input: x) }
        return x
    }
}

extension Linear: ONNXExportable {
    /// `Gemm(x, W, b)` with `transB = 1` for a `[batch, in]` input; `MatMul(x, Wᵀ) + b` for more axes.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        guard input.shape.count >= 2, input.shape.last == inputSize else {
            throw ONNXExportError(layer: graph.layerPath + " (Linear)",
                                  "expects inputs [batch, ..., \(inputSize)], got \(describe(input.shape))")
        }
        let w = graph.initializer("weight", weight.value)
        let b = bias.map { graph.initializer("bias", $0.value) }
        let outputShape = input.shape.dropLast() + [outputSize]
        if input.shape.count == 2 {
            let y = graph.node("Gemm", [input.name, w] + (b.map { [$0] } ?? []), attributes: [("transB", .int(1))])
            return ONNXValue(name: y, shape: Array(outputShape))
        }
        let product = graph.node("MatMul", [input.name, graph.node("Transpose", [w])])
        return ONNXValue(name: b.map { graph.node("Add", [product, $0]) } ?? product, shape: Array(outputShape))
    }
}

extension Dropout: ONNXExportable {
    /// The identity: an exported model is evaluated, never trained.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue { input }
}

extension Flatten: ONNXExportable {
    /// `Flatten(axis: 1)` when merging everything after the batch axis, else a `Reshape` that keeps
    /// the leading axes (0 = "copy this size") and the trailing ones.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let rank = input.shape.count
        let start = startAxis < 0 ? startAxis + rank : startAxis
        let end = endAxis < 0 ? endAxis + rank : endAxis
        guard start >= 1, end < rank, start <= end else {
            throw ONNXExportError(layer: graph.layerPath + " (Flatten)",
                                  "axes \(startAxis)...\(endAxis) must lie after the batch axis of inputs \(describe(input.shape))")
        }
        let merged = input.shape[start...end].reduce(1) { $0 * $1! }
        let shape = Array(input.shape[..<start]) + [merged] + Array(input.shape[(end + 1)...])
        // ONNX's Flatten always gives 2 axes: it fits when the batch is the only axis kept.
        if start == 1, end == rank - 1 {
            return ONNXValue(name: graph.node("Flatten", [input.name], attributes: [("axis", .int(1))]), shape: shape)
        }
        let target = graph.int64Constant(shape.map { $0 ?? 0 })
        return ONNXValue(name: graph.node("Reshape", [input.name, target]), shape: shape)
    }
}

extension Embedding: ONNXExportable {
    /// `Gather(weight, indices, axis: 0)`. Read straight from the model's input, the indices make
    /// that input int64 (`[batch] + inputShape` token ids); read from another layer's output,
    /// they are cast to int64 first. `paddingIndex` only stops gradients: it changes no value.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let indices = graph.indices(input)
        let y = graph.node("Gather", [graph.initializer("weight", weight.value), indices], attributes: [("axis", .int(0))])
        return ONNXValue(name: y, shape: input.shape + [embeddingDim])
    }
}

/// `[batch, 64]` for error messages.
func describe(_ shape: [Int?]) -> String {
    "[" + shape.map { $0.map(String.init) ?? "batch" }.joined(separator: ", ") + "]"
}
