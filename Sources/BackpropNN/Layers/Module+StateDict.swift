import BackpropTensor
import BackpropAutograd

// Saving and loading a module's parameters and buffers by name, as PyTorch's `state_dict()`.

extension Module {
    /// Copies of every parameter and buffer value by name, like PyTorch's `state_dict()`;
    /// frozen parameters are included.
    /// ```swift
    /// try SafeTensors.save(model.stateDict(), to: url)
    /// ```
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, p) in namedParameters { state[name] = p.value }
        for (name, b) in namedBuffers { state[name] = b.value }
        return state
    }

    /// Sets every parameter and buffer from `state` (strict, like PyTorch's
    /// `load_state_dict(strict=True)`): every name must be present, no name may be unknown, and
    /// every shape must match. Values are converted to each parameter's element type. Nothing
    /// is changed unless everything matches.
    /// - Throws: ``StateDictError`` naming the missing and unexpected keys together (a typo
    ///   `bais` shows `bias` missing and `bais` unexpected), or the first shape mismatch.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        let targets = namedParameters.map { ($0.name, $0.parameter) } + namedBuffers.map { ($0.name, $0.buffer) }
        try StateDictError.checkKeys(expected: targets.map(\.0), given: Array(state.keys))
        for (name, variable) in targets where state[name]!.shape != variable.shape {
            throw StateDictError.shapeMismatch(key: name, expected: variable.shape, found: state[name]!.shape)
        }
        for (name, variable) in targets { variable.value = state[name]!.converted(to: variable.dtype) }
    }
}

/// Why a state dictionary could not be loaded.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    /// Names the model (or optimizer) has that the dictionary lacks.
    case missingKeys([String])
    /// Names in the dictionary the model (or optimizer) does not have.
    case unexpectedKeys([String])
    /// Both at once: names missing from the dictionary and names it has that are unknown
    /// (often one typo, like `bais` for `bias`).
    case mismatchedKeys(missing: [String], unexpected: [String])
    /// A value whose shape differs from the one it would replace.
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// A value that cannot be used (for example a step count that is not a whole number).
    case invalidValue(key: String, reason: String)

    /// The problem in one line, naming the keys or the shapes.
    public var description: String {
        switch self {
        case .missingKeys(let keys): return "loadStateDict: missing keys \(keys)"
        case .unexpectedKeys(let keys): return "loadStateDict: unexpected keys \(keys)"
        case .mismatchedKeys(let missing, let unexpected):
            return "loadStateDict: missing keys \(missing); unexpected keys \(unexpected)"
        case .shapeMismatch(let key, let expected, let found):
            return "loadStateDict: '\(key)' has shape \(found) but the model expects \(expected)"
        case .invalidValue(let key, let reason): return "loadStateDict: '\(key)': \(reason)"
        }
    }

    /// Throws if `given` lacks some of `expected` or has extra names, reporting both kinds.
    static func checkKeys(expected: [String], given: [String]) throws {
        let expectedSet = Set(expected), givenSet = Set(given)
        let missing = expected.filter { !givenSet.contains($0) }
        let unexpected = given.filter { !expectedSet.contains($0) }.sorted()
        switch (missing.isEmpty, unexpected.isEmpty) {
        case (true, true): return
        case (false, true): throw StateDictError.missingKeys(missing)
        case (true, false): throw StateDictError.unexpectedKeys(unexpected)
        case (false, false): throw StateDictError.mismatchedKeys(missing: missing, unexpected: unexpected)
        }
    }
}
