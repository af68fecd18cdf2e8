import Backprop
import CharModelCore
import Foundation
import Testing

/// The char-model example: W8's data, split, initialisation and first losses (the check values
/// of ../shared/bench/WORKLOADS.md), the command line, and a short training run in debug.
@Suite struct CharModelTests {
    static let data: NamesData = {
        guard let file = BundledNames.file() else { fatalError("the bundled names.txt is missing") }
        return try! NamesData.load(file: file)
    }()

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

    @Test func splitAndExamplesFollowW8() {
        let d = Self.data
        #expect(d.names.count == 5163)
        #expect([d.train.count, d.dev.count, d.test.count] == [4130, 516, 517] as [Int])
        #expect(Array(d.train.prefix(3)) == ["lucrecia", "delorse", "adolfo"])
        #expect(Array(d.dev.prefix(3)) == ["layla", "kasi", "lanell"])
        #expect(Array(d.test.prefix(3)) == ["reatha", "oretha", "cleveland"])
        #expect([Examples(d.train).count, Examples(d.dev).count, Examples(d.test).count] == [28971, 3624, 3527] as [Int])
        let emma = Examples(["emma"])
        #expect(emma.contexts == [0, 0, 0, 0, 0, 5, 0, 5, 13, 5, 13, 13, 13, 13, 1])
        #expect(emma.targets == [5, 13, 13, 1, 0])
        #expect(Array(batchRows(exampleCount: 28971, steps: 1, batchSize: 32)[0].prefix(4)) == [21757, 11189, 9537, 21264])
    }

    @Test func initialisationAndInitialLossesMatchW8() {
        let model = CharMLP()
        #expect(model.parameterCount == 11897)
        #expect(model.namedParameters.map(\.name) == ["emb.weight", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        let c = model.emb.weight.value, b1 = model.fc1.bias!.value
        for (got, want) in zip((0..<4).map { c[0, $0] as Double }, [-1.54387903, 0.96837831, 0.39811134, -1.23124695]) { #expect(abs(got - want) < 1e-8) }
        for (got, want) in zip((0..<3).map { b1[$0] as Double }, [0.07871655, -0.04608317, 0.06454846]) { #expect(abs(got - want) < 1e-8) }
        let train = Examples(Self.data.train)
        let batch = train.batch(batchRows(exampleCount: train.count, steps: 1, batchSize: 32)[0])
        let first = withNoGrad { Double(model.loss(batch.contexts, batch.targets).item(as: Float.self)) }
        #expect(Self.relative(first, 3.325161) < 1e-5, "first batch loss \(first)")
        let whole = model.loss(on: train)
        #expect(Self.relative(whole, 3.336016) < 1e-5, "training split loss at init \(whole)")
    }

    @Test func commandLine() throws {
        #expect(try parseCharModelArguments([]) == CharModelOptions())
        #expect(try parseCharModelArguments(["--help"]) == nil)
        let options = try #require(try parseCharModelArguments(["--data", "n.txt", "--steps", "500", "--lr", "0.2", "--out", "o"]))
        #expect(options.dataFile == "n.txt" && options.steps == 500 && options.learningRate == 0.2 && options.outputDirectory == "o")
        #expect(throws: CharModelUsageError("--steps needs a whole number >= 1, got 'many'")) { try parseCharModelArguments(["--steps", "many"]) }
        #expect(throws: CharModelUsageError("unknown option --epochs (see --help)")) { try parseCharModelArguments(["--epochs", "3"]) }
        #expect(throws: CharModelUsageError("--data needs a value (see --help)")) { try parseCharModelArguments(["--data"]) }
        #expect(charModelUsage.contains("--data FILE"))
    }

    @Test func badNamesFileIsReportedWithItsLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("anna\nbob\nMary\n".utf8).write(to: file)
        #expect { try NamesData.load(file: file) } throws: { error in
            String(describing: error).contains("line 3: \"Mary\" is not a name of lowercase letters a-z")
        }
    }

    /// 400 steps at W8's rate in debug on every tenth bundled name (`--data`): the loss falls
    /// well below ln 27, the outputs are written, the saved weights load back into a fresh model,
    /// and sampling gives names of a-z.
    @Test func shortTrainingRunLearnsAndWritesItsOutputs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("char-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let namesFile = folder.appendingPathComponent("names.txt")
        let subset = Self.data.names.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)
        try Data(subset.map { $0 + "\n" }.joined().utf8).write(to: namesFile)
        var options = try #require(try parseCharModelArguments(["--data", namesFile.path, "--steps", "400", "--samples", "5",
                                                                "--log-every", "200", "--out", folder.appendingPathComponent("out").path]))
        options.threads = nil
        var lines: [String] = []
        let result = try CharModelRun.run(options) { lines.append($0) }
        #expect(lines.first?.hasPrefix("517 names from names.txt: 413 train / 52 dev / 52 test") == true, "\(lines.first ?? "")")
        #expect(result.stepLosses.count == 400)
        #expect(result.initialTrainLoss > 3.2 && result.trainLoss < 2.7 && result.devLoss < 2.8, "\(result.resultLine)")
        #expect(result.samples.count == 5 && result.samples.allSatisfy { $0.allSatisfy { Vocabulary.index(of: $0) != nil && $0 != "." } })
        #expect(lines.contains { $0.hasPrefix("step 400/400") })
        #expect(result.resultLine.hasPrefix("RESULT train_loss="))
        let out = folder.appendingPathComponent("out")
        for name in ["model.safetensors", "loss.svg", "samples.txt"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let reloaded = CharMLP(seed: 1)
        try reloaded.loadStateDict(SafeTensors.read(from: out.appendingPathComponent("model.safetensors")).tensors)
        #expect(abs(reloaded.loss(on: Examples(NamesData(names: subset).dev)) - result.devLoss) < 1e-12)
    }
}
