import BackpropTensor

extension Variable: CustomStringConvertible {
    /// The value as PyTorch prints a tensor, with `requires_grad=True` for a leaf that requires
    /// a gradient and `grad_fn=<MulBackward>` naming the operation that produced it (PyTorch
    /// adds a version digit: `MulBackward0`).
    /// ```
    /// tensor([0.5000, 2.0000], requires_grad=True)
    /// ```
    public var description: String {
        var suffixes: [String] = []
        if value.dtype != .float32 { suffixes.append("dtype=\(value.dtype)") }
        if let creator {
            suffixes.append("grad_fn=<\(creator.name.prefix(1).uppercased() + creator.name.dropFirst())Backward>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        return TensorPrinter(value).text(prefix: "tensor(", suffixes: suffixes)
    }
}
