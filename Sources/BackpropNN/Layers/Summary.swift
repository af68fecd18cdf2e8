import BackpropTensor
import BackpropAutograd
/// A table of a model's layers with their output shapes and parameter counts, and the total,
/// found by running one forward pass on zeros of `inputShape` (batch axis included) in
/// evaluation mode without recording a graph; the model's training flag is restored after.
///
/// ```
/// Layer                      Output shape    Parameters
/// 0: Linear(784 → 256)       [1, 256]           200,960
/// 1: ReLU                    [1, 256]                 0
/// ...
/// Total parameters: 235,146
/// ```
public func summary(of model: any Module, inputShape: [Int], dtype: DType = .float32) -> String {
    let wasTraining = model.isTraining
    model.eval()
    defer { model.isTraining = wasTraining }
    var rows: [(String, String, Int)] = []
    withNoGrad {
        var x = Variable(Tensor.zeros(inputShape, dtype: dtype))
        if let sequential = model as? Sequential {
            for (i, layer) in sequential.layers.enumerated() {
                x = layer(x)
                rows.append(("\(i): \(layerName(layer))", "\(x.shape)", layer.parameterCount))
            }
        } else {
            x = model(x)
            rows.append((layerName(model), "\(x.shape)", model.parameterCount))
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
    return lines.joined(separator: "\n")
}

/// A layer's one-line description if it has one, else its type name.
func layerName(_ layer: any Module) -> String {
    if let described = layer as? CustomStringConvertible, !(layer is Sequential) { return described.description }
    return String(describing: type(of: layer))
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
