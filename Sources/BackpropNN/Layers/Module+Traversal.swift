import BackpropTensor
import BackpropAutograd

// Walking the module tree, as PyTorch's `modules()`, `named_modules()`, `children()`, `apply()`.

extension Module {
    /// The direct children (PyTorch's `children()`).
    public var children: [any Module] { namedChildren.map(\.module) }

    /// This module and every descendant, parents before children, each once even when shared
    /// (PyTorch's `named_modules()`); this module's name is `""`.
    /// ```swift
    /// for (name, module) in model.namedModules { print(name, module) }
    /// ```
    public var namedModules: [(name: String, module: any Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: any Module)] = []
        func visit(_ module: any Module, _ name: String) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append((name: name, module: module))
            for child in module.namedChildren { visit(child.module, name.isEmpty ? child.name : name + "." + child.name) }
        }
        visit(self, "")
        return result
    }

    /// This module and every descendant, in the order of ``namedModules``.
    public var modules: [any Module] { namedModules.map(\.module) }

    /// Calls `body` on every module of the tree, each once, children before their parents and
    /// this module last (PyTorch's `apply`), for example to re-initialise every `Linear`:
    /// ```swift
    /// var g = SplitMix64(seed: 7)
    /// model.apply { module in
    ///     if let linear = module as? Linear {
    ///         linear.weight.value = Initializers.xavierUniform(linear.weight.shape, generator: &g)
    ///     }
    /// }
    /// ```
    /// Returns the module, so calls can be chained.
    @discardableResult
    public func apply(_ body: (any Module) throws -> Void) rethrows -> Self {
        var seen = Set<ObjectIdentifier>()
        func visit(_ module: any Module) throws {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            for child in module.children { try visit(child) }
            try body(module)
        }
        try visit(self)
        return self
    }
}
