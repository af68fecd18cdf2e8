import BackpropTensor
import BackpropAutograd
/// A table of a model's layers with their output shapes and parameter counts, and the total,
/// found by running one forward pass on zeros of `inputShape` (batch axis included) in
/// evaluation mode without recording a graph; every module's training flag is restored after.
///
/// A ``Sequential`` model lists each layer with its output shape. Any other module lists each
/// descendant that is a leaf or holds parameters of its own, by dotted name, with those
/// parameters, and the whole model's output shape in the last row.
/// ```
/// Layer                      Output shape    Parameters
/// 0: Linear(784 → 256)       [1, 256]           200,960
/// 1: ReLU()                  [1, 256]                 0
/// ...
/// Total parameters: 235,146
/// ```
public func summary(of model: any Module, inputShape: [Int], dtype: DType = .float32) -> String {
    let flags = model.modules.map { ($0, $0.isTraining) }
    model.eval()
    defer { for (module, flag) in flags { module.isTraining = flag } }
    var rows: [(String, String, Int)] = []
    withNoGrad {
        var x = Variable(Tensor.zeros(inputShape, dtype: dtype))
        if let sequential = model as? Sequential {
            for (i, layer) in sequential.layers.enumerated() {
                x = layer(x)
                rows.append(("\(i): \(layerName(layer))", "\(x.shape)", layer.parameterCount))
            }
        } else {
            for (name, module) in model.namedModules.dropFirst() {
                let own = ModuleMembers(of: module).parameters.reduce(0) { $0 + $1.parameter.value.count }
                if module.children.isEmpty || own > 0 { rows.append(("\(name): \(layerName(module))", "", own)) }
            }
            x = model(x)
            rows.append(("(output of \(String(describing: type(of: model))))", "\(x.shape)", 0))
        }
    }
    let header = ("Layer", "Output shape", "Parameters")
    let nameWidth = max(header.0.count, rows.map(\.0.count).max() ?? 0) + 2
    let shapeWidth = max(header.1.count, rows.map(\.1.count).max() ?? 0) + 2
    func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
    func leftPad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
    var lines = [pad(header.0, nameWidth) + pad(header.1, shapeWidth) + header.2]
    for (name, shape, count) in rows {
        lines.append(pad(name, nameWidth) + pad(shape, shapeWidth) + leftPad(groupedThousands(count), header.2.count))
    }
    lines.append("Total parameters: \(groupedThousands(model.parameterCount))")
    if model.trainableParameterCount != model.parameterCount {
        lines.append("Trainable parameters: \(groupedThousands(model.trainableParameterCount))")
    }
    return lines.joined(separator: "\n")
}

/// A layer's one-line description: the first line of its description (a container's type and
/// an opening parenthesis become its type name).
func layerName(_ layer: any Module) -> String {
    let firstLine = layer.description.prefix { $0 != "\n" }
    return firstLine.hasSuffix("(") && layer.description.contains("\n") ? String(firstLine.dropLast()) : String(firstLine)
}

/// `1234567` as `"1,234,567"`.
private func groupedThousands(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return out
}
