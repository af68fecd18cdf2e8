import BackpropNN

// The ONNX form of the activation layers (opset 17 has no GELU operator: it is composed).

extension ReLU: ONNXExportable {
    /// `Relu`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        ONNXValue(name: graph.node("Relu", [input.name]), shape: input.shape)
    }
}

extension Tanh: ONNXExportable {
    /// `Tanh`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        ONNXValue(name: graph.node("Tanh", [input.name]), shape: input.shape)
    }
}

extension Sigmoid: ONNXExportable {
    /// `Sigmoid`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        ONNXValue(name: graph.node("Sigmoid", [input.name]), shape: input.shape)
    }
}

extension LeakyReLU: ONNXExportable {
    /// `LeakyRelu(alpha: negativeSlope)`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let y = graph.node("LeakyRelu", [input.name], attributes: [("alpha", .float(Float(negativeSlope)))])
        return ONNXValue(name: y, shape: input.shape)
    }
}

extension ELU: ONNXExportable {
    /// `Elu(alpha)`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        ONNXValue(name: graph.node("Elu", [input.name], attributes: [("alpha", .float(Float(alpha)))]), shape: input.shape)
    }
}

extension GELU: ONNXExportable {
    /// Exact: `x · 0.5 · (1 + erf(x / √2))`; tanh form: `x · 0.5 · (1 + tanh(√(2/π)(x + 0.044715x³)))`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let x = input.name
        func scalar(_ v: Double) -> String { graph.constant([v], shape: []) }
        let inner: String
        if approximate {
            let cube = graph.node("Mul", [graph.node("Mul", [x, x]), x])
            let sum = graph.node("Add", [x, graph.node("Mul", [cube, scalar(0.044715)])])
            inner = graph.node("Tanh", [graph.node("Mul", [sum, scalar((2 / Double.pi).squareRoot())])])
        } else {
            inner = graph.node("Erf", [graph.node("Div", [x, scalar(2.0.squareRoot())])])
        }
        let half = graph.node("Mul", [graph.node("Add", [inner, scalar(1)]), scalar(0.5)])
        return ONNXValue(name: graph.node("Mul", [x, half]), shape: input.shape)
    }
}

extension Softplus: ONNXExportable {
    /// `Softplus(βx) / β` where `βx ≤ threshold`, else `x` (as PyTorch, chosen with `Where`).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraph) throws -> ONNXValue {
        let x = input.name
        let scaled = beta == 1 ? x : graph.node("Mul", [x, graph.constant([beta], shape: [])])
        var smooth = graph.node("Softplus", [scaled])
        if beta != 1 { smooth = graph.node("Div", [smooth, graph.constant([beta], shape: [])]) }
        let linear = graph.node("Greater", [scaled, graph.constant([threshold], shape: [])])
        return ONNXValue(name: graph.node("Where", [linear, x, smooth]), shape: input.shape)
    }
}
