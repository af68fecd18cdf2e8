import Synchronization
import BackpropTensor
import BackpropAutograd

/// Marks a stored ``Variable`` of a ``Module`` as a *buffer*: state that is saved and loaded
/// with the parameters but never trained (PyTorch's `register_buffer`), such as BatchNorm's
/// running statistics. `key` renames it in state dictionaries.
/// ```swift
/// final class Counter: Module {
///     @Buffer var calls = Variable(Tensor(0))           // saved as "calls"
///     func callAsFunction(_ x: Variable) -> Variable {
///         calls.value = calls.value + 1
///         return x
///     }
/// }
/// ```
@propertyWrapper
public struct Buffer {
    /// The buffer's variable.
    public var wrappedValue: Variable
    /// The name in state dictionaries; `nil` uses the property's name.
    public let key: String?

    /// Wraps `wrappedValue`, saved under `key` (default: the property's name).
    public init(wrappedValue: Variable, key: String? = nil) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}

/// What reflection finds in one module's stored properties (not its descendants'): parameters,
/// buffers and child modules, named after the properties. Collections are entered (`blocks.0`),
/// optionals unwrapped, dictionaries named by key; other values are ignored.
///
/// Finding them takes a `Mirror` walk of a few properties per module, a few microseconds for a
/// whole model: it runs when the lists are asked for (building an optimizer, saving), never
/// inside the forward or backward pass.
struct ModuleMembers {
    var parameters: [(name: String, parameter: Variable)] = []
    var buffers: [(name: String, buffer: Variable)] = []
    var children: [(name: String, module: any Module)] = []

    init(of module: any Module) {
        var mirror: Mirror? = Mirror(reflecting: module)
        var levels: [Mirror] = []
        while let m = mirror { levels.append(m); mirror = m.superclassMirror }
        // Superclass properties first, as they are declared first.
        for level in levels.reversed() {
            for child in level.children {
                guard let label = child.label, !label.hasPrefix("$__lazy_storage_$_") else { continue }
                if let buffer = child.value as? Buffer {
                    let name = buffer.key ?? (label.hasPrefix("_") ? String(label.dropFirst()) : label)
                    buffers.append((name: name, buffer: buffer.wrappedValue))
                } else {
                    add(child.value, name: label)
                }
            }
        }
    }

    /// Files `value` under `name` if it is (or contains) a parameter or a module.
    /// Returns false when it is neither, so collections of other things stop at once.
    @discardableResult
    private mutating func add(_ value: Any, name: String) -> Bool {
        if let variable = value as? Variable {
            parameters.append((name: name, parameter: variable))
            return true
        }
        if let module = value as? any Module {
            children.append((name: name, module: module))
            return true
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first else { return true }
            return add(wrapped.value, name: name)
        case .collection:
            for (i, element) in mirror.children.enumerated() where !add(element.value, name: "\(name).\(i)") {
                return false
            }
            return true
        case .dictionary:
            var entries: [(String, Any)] = []
            for entry in mirror.children {
                let pair = Array(Mirror(reflecting: entry.value).children)
                guard pair.count == 2 else { return false }
                entries.append(("\(pair[0].value)", pair[1].value))
            }
            for (key, element) in entries.sorted(by: { $0.0 < $1.0 }) where !add(element, name: "\(name).\(key)") {
                return false
            }
            return true
        default:
            return false
        }
    }
}

/// The training flag of modules that do not store one themselves, kept beside them by object
/// identity (weakly, so a freed module's entry is never mistaken for a new one at the same
/// address). A module starts in training mode, as in PyTorch.
enum TrainingFlags {
    // Unchecked: an entry only holds the module weakly, to compare identities under the lock.
    private struct Entry: @unchecked Sendable {
        weak var module: AnyObject?
        var isTraining: Bool
    }
    private struct Table {
        var entries: [ObjectIdentifier: Entry] = [:]
        var pruneAt = 64
    }
    private static let table = Mutex(Table())

    static func isTraining(_ module: AnyObject) -> Bool {
        table.withLock { table in
            guard let entry = table.entries[ObjectIdentifier(module)], entry.module === module else { return true }
            return entry.isTraining
        }
    }

    static func set(_ module: AnyObject, _ isTraining: Bool) {
        table.withLock { table in
            table.entries[ObjectIdentifier(module)] = Entry(module: module, isTraining: isTraining)
            if table.entries.count >= table.pruneAt {
                table.entries = table.entries.filter { $0.value.module != nil }
                table.pruneAt = Swift.max(64, 2 * table.entries.count)
            }
        }
    }
}
