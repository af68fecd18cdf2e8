import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Saves and restores a whole training run as one safetensors file, so that training can stop
/// anywhere (mid-epoch included) and resume exactly as if it had not stopped.
///
/// It holds the model's state dict (`model.0.weight`), the optimizer's (`optimizer.state.0.exp_avg`,
/// every group's hyper-parameters), the scheduler's (`scheduler.last_epoch`), and as string
/// metadata the loader's position and shuffle generator and every random layer's generator
/// (``RandomLayer``: ``Dropout``), besides your own `metadata` (epoch, accuracy, anything).
///
/// ```swift
/// try Checkpoint.save(model: model, optimizer: optimizer, scheduler: scheduler, loader: loader,
///                     metadata: ["epoch": "3"], to: url)
/// // later, with freshly built objects of the same shapes:
/// let metadata = try Checkpoint.load(into: model, optimizer: optimizer, scheduler: scheduler, loader: loader, from: url)
/// ```
/// Loading changes nothing unless every part loads.
public enum Checkpoint {
    /// The metadata keys the checkpoint itself uses start with this.
    public static let reservedPrefix = "backprop."

    /// Writes the state of everything given to `url` atomically.
    /// - Throws: ``StateDictError/unexpectedKeys(_:)`` for `metadata` keys that start with
    ///   ``reservedPrefix``, or the file's write errors.
    public static func save(model: any Module, optimizer: (any Optimizer)? = nil, scheduler: (any LearningRateScheduler)? = nil,
                            loader: DataLoader? = nil, metadata: [String: String] = [:], to url: URL) throws {
        let reserved = metadata.keys.filter { $0.hasPrefix(reservedPrefix) }
        if !reserved.isEmpty { throw StateDictError.unexpectedKeys(reserved.sorted()) }
        var tensors: [String: Tensor] = [:]
        for (prefix, state) in [("model.", model.stateDict()), ("optimizer.", optimizer?.stateDict() ?? [:]),
                                ("scheduler.", scheduler?.stateDict() ?? [:])] {
            for (key, value) in state { tensors[prefix + key] = value }
        }
        try SafeTensors.write(tensors, metadata: metadata.merging(RunState(model: model, loader: loader).metadata) { a, _ in a },
                              to: url)
    }

    /// Restores everything given from a file written by ``save(model:optimizer:scheduler:loader:metadata:to:)``
    /// and returns your metadata. All or nothing: when any part fails, every object is put back
    /// as it was before the call.
    /// - Throws: the file's format errors, or ``StateDictError`` when a part is missing from
    ///   the file or its names, shapes or values do not fit.
    @discardableResult
    public static func load(into model: any Module, optimizer: (any Optimizer)? = nil, scheduler: (any LearningRateScheduler)? = nil,
                            loader: DataLoader? = nil, from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try SafeTensors.read(from: url)
        var parts: [String: [String: Tensor]] = ["model.": [:], "optimizer.": [:], "scheduler.": [:]]
        for (key, value) in tensors {
            guard let prefix = parts.keys.first(where: { key.hasPrefix($0) }) else { throw StateDictError.unexpectedKeys([key]) }
            parts[prefix]![String(key.dropFirst(prefix.count))] = value
        }
        let before = (model.stateDict(), optimizer?.stateDict(), scheduler?.stateDict(), RunState(model: model, loader: loader))
        do {
            try model.loadStateDict(parts["model."]!)
            try optimizer?.loadStateDict(parts["optimizer."]!)
            try scheduler?.loadStateDict(parts["scheduler."]!)
            try RunState(metadata: metadata, model: model, loader: loader).restore(model: model, loader: loader)
        } catch {
            try! model.loadStateDict(before.0)
            if let state = before.1 { try! optimizer?.loadStateDict(state) }
            if let state = before.2 { try! scheduler?.loadStateDict(state) }
            try! before.3.restore(model: model, loader: loader)
            throw error
        }
        return metadata.filter { !$0.key.hasPrefix(reservedPrefix) }
    }
}

/// A layer that draws random numbers while training, such as ``Dropout``; a ``Checkpoint``
/// saves and restores its generator so that a resumed run draws the same masks.
public protocol RandomLayer: Module {
    /// The layer's random number generator.
    var generator: SplitMix64 { get set }
}

extension Dropout: RandomLayer {}

/// The random state of a run outside its tensors: the loader's generator and epoch position,
/// and each random layer's generator (in the order ``randomLayers(of:)`` finds them).
struct RunState {
    var loaderGenerator: UInt64?
    var epoch: DataLoader.EpochPosition?
    var layerGenerators: [UInt64]

    init(model: any Module, loader: DataLoader?) {
        loaderGenerator = loader?.generator.state
        epoch = loader?.epochInProgress
        layerGenerators = randomLayers(of: model).map(\.generator.state)
    }

    /// Reads the state from checkpoint metadata, for a model and loader like those saved.
    init(metadata: [String: String], model: any Module, loader: DataLoader?) throws {
        func number(_ key: String) throws -> UInt64 {
            guard let text = metadata[Checkpoint.reservedPrefix + key] else {
                throw StateDictError.missingKeys([Checkpoint.reservedPrefix + key])
            }
            guard let value = UInt64(text) else {
                throw StateDictError.invalidValue(key: Checkpoint.reservedPrefix + key, reason: "not a whole number: \(text)")
            }
            return value
        }
        if let loader {
            loaderGenerator = try number("loader.generator")
            let done = metadata[Checkpoint.reservedPrefix + "loader.batches_done"] == nil ? nil : try number("loader.batches_done")
            if let done {
                guard done <= UInt64(loader.batchCount) else {
                    throw StateDictError.invalidValue(key: Checkpoint.reservedPrefix + "loader.batches_done",
                                                      reason: "\(done) batches done, but an epoch of this loader has \(loader.batchCount)")
                }
                epoch = DataLoader.EpochPosition(generatorState: try number("loader.epoch_generator"), batchesDone: Int(done))
            }
        }
        let count = randomLayers(of: model).count
        layerGenerators = try (0..<count).map { try number("random_layers.\($0).generator") }
        let extra = metadata.keys.filter { $0.hasPrefix(Checkpoint.reservedPrefix + "random_layers.") }.count - count
        if extra > 0 {
            throw StateDictError.invalidValue(key: Checkpoint.reservedPrefix + "random_layers",
                                              reason: "the file has \(count + extra) random layers' generators, the model has \(count) random layers")
        }
    }

    /// The state as checkpoint metadata.
    var metadata: [String: String] {
        var dict: [String: String] = [:]
        if let loaderGenerator { dict["loader.generator"] = String(loaderGenerator) }
        if let epoch {
            dict["loader.epoch_generator"] = String(epoch.generatorState)
            dict["loader.batches_done"] = String(epoch.batchesDone)
        }
        for (i, state) in layerGenerators.enumerated() { dict["random_layers.\(i).generator"] = String(state) }
        return Dictionary(uniqueKeysWithValues: dict.map { (Checkpoint.reservedPrefix + $0.key, $0.value) })
    }

    /// Puts the state back into the loader and the model's random layers.
    func restore(model: any Module, loader: DataLoader?) throws {
        if let loader, let loaderGenerator {
            loader.generator = SplitMix64(seed: loaderGenerator)
            loader.epochInProgress = epoch
        }
        for (layer, state) in zip(randomLayers(of: model), layerGenerators) { layer.generator = SplitMix64(seed: state) }
    }
}

/// The ``RandomLayer``s in `module` and its sub-modules (stored properties holding modules,
/// arrays or optionals of them), each once, in declaration order.
func randomLayers(of module: any Module) -> [any RandomLayer] {
    var found: [any RandomLayer] = [], seen = Set<ObjectIdentifier>()
    func visit(_ value: Any) {
        if let module = value as? any Module {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            if let layer = module as? any RandomLayer { found.append(layer) }
            for child in Mirror(reflecting: module).children { visit(child.value) }
            return
        }
        let mirror = Mirror(reflecting: value)
        if [.collection, .optional, .dictionary, .set, .tuple].contains(mirror.displayStyle) {
            for child in mirror.children { visit(child.value) }
        }
    }
    visit(module)
    return found
}
