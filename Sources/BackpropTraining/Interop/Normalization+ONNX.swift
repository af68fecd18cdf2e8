import BackpropTensor
import BackpropAutograd
import BackpropNN

// The ONNX form of the normalisation layers. Opset 17 has `BatchNormalization` and
// `LayerNormalization` but no `GroupNormalization` (opset 18), so GroupNorm is composed.

extension BatchNorm1d: ONNXExportable {
    /// `BatchNormalization` in inference mode with the running statistics (γ = 1, β = 0 when
    /// the layer is not affine), for `[batch, features]` and `[batch, features, length]`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        guard input.shape.count == 2 || input.shape.count == 3, input.shape[1] == features else {
            throw ONNXExportError(layer: graph.layerPath + " (BatchNorm1d)",
                                  "expects inputs [batch, \(features)] or [batch, \(features), length], got \(describe(input.shape))")
        }
        return batchNormalization(self, input, graph)
    }
}

extension BatchNorm2d: ONNXExportable {
    /// `BatchNormalization` in inference mode with the running statistics, for
    /// `[batch, features, height, width]`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        guard input.shape.count == 4, input.shape[1] == features else {
            throw ONNXExportError(layer: graph.layerPath + " (BatchNorm2d)",
                                  "expects inputs [batch, \(features), height, width], got \(describe(input.shape))")
        }
        return batchNormalization(self, input, graph)
    }
}

/// `BatchNormalization(x, γ, β, running_mean, running_var)` with the layer's `ε`.
private func batchNormalization(_ layer: BatchNorm, _ input: ONNXValue, _ graph: ONNXGraph) -> ONNXValue {
    let features = layer.features
    let scale = graph.initializer("weight", layer.weight?.value ?? Tensor.ones([features]))
    let shift = graph.initializer("bias", layer.bias?.value ?? Tensor.zeros([features]))
    let mean = graph.initializer("running_mean", layer.runningMean.value)
    let variance = graph.initializer("running_var", layer.runningVar.value)
    let y = graph.node("BatchNormalization", [input.name, scale, shift, mean, variance],
                       attributes: [("epsilon", .float(Float(layer.eps)))])
    return ONNXValue(name: y, shape: input.shape)
}

extension GroupNorm: ONNXExportable {
    /// Composed as ``GroupNorm`` computes it: `Reshape` to `[batch, groups, -1]`, then
    /// `d = x - ReduceMean(x)`, `d / Sqrt(ReduceMean(d · d) + ε)` over the last axis, `Reshape`
    /// back, then `· γ + β` with `γ` and `β` stored as `[channels, 1, ...]` to broadcast.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        guard input.shape.count >= 2, input.shape[1] == channels, input.shape.dropFirst().allSatisfy({ $0 != nil }) else {
            throw ONNXExportError(layer: graph.layerPath + " (GroupNorm)",
                                  "expects inputs [batch, \(channels), ...], got \(describe(input.shape))")
        }
        let grouped = graph.node("Reshape", [input.name, graph.int64Constant([0, groups, -1])])
        let meanAttributes: [(name: String, value: ONNXAttribute)] = [("axes", .ints([2])), ("keepdims", .int(1))]
        let centred = graph.node("Sub", [grouped, graph.node("ReduceMean", [grouped], attributes: meanAttributes)])
        let variance = graph.node("ReduceMean", [graph.node("Mul", [centred, centred])], attributes: meanAttributes)
        let std = graph.node("Sqrt", [graph.node("Add", [variance, graph.constant([eps], shape: [])])])
        let normalized = graph.node("Div", [centred, std])
        var y = graph.node("Reshape", [normalized, graph.int64Constant([0] + input.shape.dropFirst().map { $0! })])
        if let weight, let bias {
            let channelShape = [channels] + Array(repeating: 1, count: input.shape.count - 2)
            y = graph.node("Mul", [y, graph.initializer("weight", weight.value.reshaped(channelShape))])
            y = graph.node("Add", [y, graph.initializer("bias", bias.value.reshaped(channelShape))])
        }
        return ONNXValue(name: y, shape: input.shape)
    }
}

extension LayerNorm: ONNXExportable {
    /// `LayerNormalization` over the last `normalizedShape.count` axes (`axis` = minus that
    /// count), with `Scale` = the weight (ones without one) and `B` = the bias if any.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let k = normalizedShape.count
        guard input.shape.count > k, input.shape.suffix(k).map({ $0 ?? -1 }) == normalizedShape else {
            throw ONNXExportError(layer: graph.layerPath + " (LayerNorm)",
                                  "expects inputs [batch, ..., \(normalizedShape.map(String.init).joined(separator: ", "))], got \(describe(input.shape))")
        }
        let scale = graph.initializer("weight", weight?.value ?? Tensor.ones(normalizedShape))
        let shift = bias.map { graph.initializer("bias", $0.value) }
        let y = graph.node("LayerNormalization", [input.name, scale] + (shift.map { [$0] } ?? []),
                           attributes: [("axis", .int(-k)), ("epsilon", .float(Float(eps)))])
        return ONNXValue(name: y, shape: input.shape)
    }
}
