import BackpropTensor
import BackpropAutograd

// Printing a module as PyTorch does: its type, then each child by name, indented.

extension Module {
    /// The module tree, like PyTorch's `print(model)`:
    /// ```
    /// TwoLayer(
    ///   (hidden): Linear(2 → 8)
    ///   (dropout): Dropout(p: 0.1)
    ///   (output): Linear(8 → 1)
    /// )
    /// ```
    /// A module without children prints as `TypeName()`. Layers with settings (``Linear``,
    /// ``Dropout``, ...) print those instead; a custom module may do the same by declaring
    /// its own `description`.
    public var description: String {
        let name = String(describing: type(of: self))
        let children = namedChildren
        if children.isEmpty { return name + "()" }
        let lines = children.map { child in
            "  (\(child.name)): " + child.module.description.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
        }
        return name + "(\n" + lines.joined(separator: "\n") + "\n)"
    }
}
