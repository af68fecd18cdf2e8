import BackpropTensor
import BackpropAutograd
extension OptimizerBase {
    /// Each group's hyper-parameters (``Optimizer/groupStateDict()``) plus `"state.i.step"` and
    /// `"state.i.<name>"` for each parameter `i` (position in ``Optimizer/parameters``) that has a state.
    public func stateDict() -> [String: Tensor] {
        var dict = groupStateDict()
        for (i, p) in parameters.enumerated() {
            for (name, t) in state(of: p) { dict["state.\(i).\(name)"] = t }
        }
        return dict
    }

    /// Replaces the groups' hyper-parameters and all states with those of `dict`, after
    /// checking all of it: nothing changes when it throws. A parameter's state must have the
    /// tensors ``makeState(for:group:)`` makes, with their shapes (or be absent: no step yet).
    public func loadStateDict(_ dict: [String: Tensor]) throws {
        var groups = try loadedGroups(dict)
        for g in groups.indices {
            do throws(OptionError) { groups[g] = try completed(groups[g]) } catch {
                throw StateDictError.invalidValue(key: "param_groups.\(g)", reason: error.reason)
            }
        }
        let groupKeys = Set(groupStateDict().keys)
        let owners = groups.flatMap { group in group.parameters.map { ($0, group) } }
        var loaded: [Int: OptimizerState] = [:], unexpected: [String] = [], missing: [String] = []
        for key in dict.keys where !groupKeys.contains(key) {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "state", let i = Int(parts[1]), owners.indices.contains(i) else {
                unexpected.append(key)
                continue
            }
            if loaded[i] == nil {
                let (p, group) = owners[i]
                let made = makeState(for: p.value, group: group)
                loaded[i] = OptimizerState(for: p.value, tensors: made)
                for name in ["step"] + made.keys.sorted() where dict["state.\(i).\(name)"] == nil { missing.append("state.\(i).\(name)") }
            }
            try load(dict[key]!, key: key, name: parts[2], into: &loaded[i]!, unexpected: &unexpected)
        }
        if !unexpected.isEmpty { throw StateDictError.unexpectedKeys(unexpected.sorted()) }
        if !missing.isEmpty { throw StateDictError.missingKeys(missing.sorted()) }
        parameterGroups = groups
        states = [:]
        for (i, s) in loaded { states[ObjectIdentifier(owners[i].0)] = s }
    }

    /// Puts one saved value into `state`, whose tensors hold the shapes it expects.
    private func load(_ value: Tensor, key: String, name: String, into state: inout OptimizerState,
                      unexpected: inout [String]) throws {
        if name == "step" {
            guard value.count == 1, let step = Int(exactly: value.item(as: Double.self)), step >= 0 else {
                throw StateDictError.invalidValue(key: key, reason: "a step count must be one whole number >= 0, got \(value)")
            }
            state.step = step
        } else if let expected = state.tensors[name] {
            guard value.shape == expected.shape else {
                throw StateDictError.shapeMismatch(key: key, expected: expected.shape, found: value.shape)
            }
            state.tensors[name] = value.converted(to: state.dtype)
        } else {
            unexpected.append(key)
        }
    }
}
