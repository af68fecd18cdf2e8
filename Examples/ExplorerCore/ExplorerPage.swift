import Backprop
import Dispatch
import Foundation
import OptimizerComparisonCore

/// Everything the explorer page shows, computed by the framework: the graphs to step through,
/// the playground's data sets and recorded runs, and the optimizer race.
public struct ExplorerData: Encodable, Sendable {
    public let graphs: [GraphLesson]
    public let datasets: [Playground.DataSet]
    public let runs: [Playground.Run]
    public let race: OptimizerRace
    /// The choices the page offers, in display order.
    public let choices: [String: [String]]

    /// Trains the playground's `configs` (by default the whole grid over `names`) on `threads`
    /// threads (runs are independent) and runs the race over `surfaces`.
    public init(datasets names: [String] = Playground.datasets, configs: [Playground.Config]? = nil,
                surfaces: [Surface] = Surfaces.all, threads: Int = 2) {
        graphs = [GraphLesson.neuron(), GraphLesson.mlp(), GraphLesson.reuse()]
        datasets = names.map(Playground.describe)
        let configs = configs ?? Playground.grid(datasets: names)
        let results = RunSlots(count: configs.count)
        DispatchQueue.concurrentPerform(iterations: Swift.max(1, threads)) { worker in
            for index in stride(from: worker, to: configs.count, by: Swift.max(1, threads)) {
                results.set(index, Playground.run(configs[index]))
            }
        }
        runs = results.all
        race = OptimizerRace(surfaces: surfaces)
        choices = [
            "dataset": names,
            "hidden": Playground.architectures.map { $0.isEmpty ? "0" : $0.map(String.init).joined(separator: "-") },
            "activation": Playground.activations,
            "optimizer": Playground.optimizers,
            "learningRate": Playground.learningRates.map { String($0) },
            "batching": Playground.batchings,
        ]
    }

    /// The JSON the page embeds.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The page: the template with the data in place of its `__EXPLORER_DATA__` marker.
    public func html() throws -> String {
        guard let url = Bundle.module.url(forResource: "explorer", withExtension: "html"),
              let template = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("backprop-explorer: the page template explorer.html is missing from the bundle")
        }
        guard let data = String(data: try json(), encoding: .utf8) else { fatalError("backprop-explorer: JSON is not UTF-8") }
        // "</" inside a <script> would end it early; JSON allows the escaped form.
        return template.replacingOccurrences(of: "__EXPLORER_DATA__", with: data.replacingOccurrences(of: "</", with: "<\\/"))
    }
}

/// Results written by index from several threads, each slot by exactly one.
private final class RunSlots: @unchecked Sendable {
    private var slots: [Playground.Run?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ run: Playground.Run) { lock.withLock { slots[index] = run } }
    var all: [Playground.Run] { lock.withLock { slots.map { $0! } } }
}
