import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData

/// Saves and restores a training run (model, optimizer, progress) as one safetensors file,
/// so training can stop and resume where it left off.
///
/// Model entries are stored as `model.<name>` (PyTorch's state-dict names, e.g.
/// `model.0.weight`), optimizer entries as `optimizer.<key>` (`optimizer.state.0.exp_avg`),
/// and `metadata` (epoch, accuracy, anything) as safetensors string metadata.
///
/// ```swift
/// try Checkpoint.save(model: model, optimizer: optimizer, metadata: ["epoch": "3"], to: url)
/// // later, with a freshly built model and optimizer of the same shape:
/// let metadata = try Checkpoint.load(into: model, optimizer: optimizer, from: url)
/// let nextEpoch = Int(metadata["epoch"]!)! + 1
/// ```
public enum Checkpoint {
    /// Writes the model's (and optionally the optimizer's) state to `url` atomically.
    public static func save(model: any Module, optimizer: (any Optimizer)? = nil, metadata: [String: String] = [:],
                            to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (name, value) in model.stateDict() { tensors["model." + name] = value }
        if let optimizer {
            for (key, value) in optimizer.stateDict() { tensors["optimizer." + key] = value }
        }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Restores the model (and the optimizer, if given) from a file written by
    /// ``save(model:optimizer:metadata:to:)`` and returns its metadata.
    /// - Throws: the file's format errors, or ``StateDictError`` when the names or shapes do
    ///   not match. The model is restored first (all or nothing), then the optimizer.
    public static func load(into model: any Module, optimizer: (any Optimizer)? = nil, from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try SafeTensors.read(from: url)
        var modelState: [String: Tensor] = [:], optimizerState: [String: Tensor] = [:]
        for (key, value) in tensors {
            if key.hasPrefix("model.") {
                modelState[String(key.dropFirst("model.".count))] = value
            } else if key.hasPrefix("optimizer.") {
                optimizerState[String(key.dropFirst("optimizer.".count))] = value
            } else {
                throw StateDictError.unexpectedKeys([key])
            }
        }
        try model.loadStateDict(modelState)
        try optimizer?.loadStateDict(optimizerState)
        return metadata
    }
}
