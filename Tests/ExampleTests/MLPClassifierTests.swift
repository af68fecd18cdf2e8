import Backprop
import Foundation
import MLPClassifierCore
import Testing

/// A fresh folder under the system's temporary directory, removed by the caller.
private func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-classifier-test-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository's root, found from this file's path (Tests/ExampleTests/…).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// MNIST next to the repository (`../shared/datasets/mnist`) or at `$BACKPROP_MNIST_DIR`.
private let mnistDirectory: URL? = {
    let candidates = [ProcessInfo.processInfo.environment["BACKPROP_MNIST_DIR"].map { URL(fileURLWithPath: $0) },
                      repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets/mnist")]
    return candidates.compactMap { $0 }.first {
        FileManager.default.fileExists(atPath: $0.appendingPathComponent("train-images-idx3-ubyte").path)
    }
}()

@Suite struct MLPClassifierArgumentTests {
    @Test func noArgumentsTrainOnTheBundledDigitsWithDefaults() throws {
        let command = try parseArguments([])
        #expect(command == .train(Options()))
        let options = Options()
        #expect(options.data == .bundledDigits)
        #expect(options.resolvedHidden == [128])
        #expect(options.resolvedEpochs == 30)
        #expect(options.resolvedLearningRate == 0.002)
    }

    @Test func flagsAreParsed() throws {
        let command = try parseArguments(["--data", "/tmp/mnist", "--hidden", "256,128", "--optimizer", "nesterov",
                                          "--lr=0.05", "--batch-size", "64", "--epochs", "3", "--seed", "9",
                                          "--threads", "1", "--out", "/tmp/out", "--no-progress", "--no-schedule"])
        var expected = Options()
        expected.data = .idx(directory: "/tmp/mnist")
        expected.hidden = [256, 128]
        expected.optimizer = .nesterov
        expected.learningRate = 0.05
        expected.batchSize = 64
        expected.epochs = 3
        expected.seed = 9
        expected.threads = 1
        expected.outputDirectory = "/tmp/out"
        expected.showProgress = false
        expected.cosineSchedule = false
        #expect(command == .train(expected))
        #expect(try parseArguments(["--epochs", "2", "--help"]) == .help)
        #expect(try parseArguments(["--csv", "iris.csv", "--label-column", "4"])
                == .train({ var o = Options(); o.data = .csv(file: "iris.csv", labelColumn: "4"); return o }()))
        #expect(try parseArguments(["--csv", "x.csv"]) == .train({ var o = Options(); o.data = .csv(file: "x.csv", labelColumn: "-1"); return o }()))
    }

    @Test(arguments: [
        (["--bogus"], "unknown option '--bogus'"),
        (["extra"], "unexpected argument 'extra'"),
        (["--epochs"], "--epochs needs a value"),
        (["--epochs", "--lr", "1"], "--epochs needs a value"),
        (["--epochs", "zero"], "--epochs expects a positive integer, got 'zero'"),
        (["--batch-size", "0"], "--batch-size expects a positive integer, got '0'"),
        (["--lr", "-1"], "--lr expects a positive number, got '-1'"),
        (["--hidden", "256,,128"], "--hidden expects comma-separated positive sizes"),
        (["--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'"),
        (["--data", "a", "--csv", "b"], "--data and --csv cannot be used together"),
        (["--label-column", "2"], "--label-column only applies to --csv"),
        (["--seed", "-3"], "--seed expects a non-negative integer"),
    ])
    func badArgumentsGiveOneLineErrors(arguments: [String], message: String) {
        do {
            _ = try parseArguments(arguments)
            Issue.record("expected a usage error for \(arguments)")
        } catch {
            #expect(error.message.contains(message), "got: \(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func missingDataIsAUsageError() {
        var options = Options()
        options.data = .idx(directory: "/nonexistent/mnist")
        #expect(throws: UsageError("--data: no such directory: /nonexistent/mnist")) { try MLPClassifier.run(options) { _ in } }
        options.data = .csv(file: "/nonexistent/data.csv", labelColumn: "-1")
        #expect(throws: UsageError("--csv: no such file: /nonexistent/data.csv")) { try MLPClassifier.run(options) { _ in } }
        let empty = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        options.data = .idx(directory: empty.path)
        #expect(throws: UsageError.self) { try MLPClassifier.run(options) { _ in } }
    }
}

/// The built `mlp-classifier` executable next to the test bundle, if the build made it.
private let executable: URL? = {
    guard let folder = Bundle.main.executableURL?.deletingLastPathComponent() else { return nil }
    let url = folder.appendingPathComponent("mlp-classifier")
    return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
}()

@Suite struct MLPClassifierExecutableTests {
    /// Runs the executable and returns its exit status and standard error.
    func run(_ arguments: [String]) throws -> (status: Int32, standardError: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: executable != nil, "the mlp-classifier executable was not built"),
          arguments: [["--bogus"], ["--epochs", "0"], ["--data", "/nonexistent/mnist"], ["--csv", "/nonexistent.csv"]])
    func mistakesExitWithCode2AndOneLine(arguments: [String]) throws {
        let (status, standardError) = try run(arguments)
        #expect(status == 2)
        #expect(standardError.hasPrefix("mlp-classifier: error: "))
        #expect(standardError.filter { $0 == "\n" }.count == 1)
    }
}

@Suite struct MLPClassifierTrainingTests {
    @Test func bundledDigitsAreFound() throws {
        let directory = try #require(BundledData.digitsDirectory())
        let (train, test, _) = try MLPClassifier.loadData(.bundledDigits, seed: 1)
        #expect(train.inputs.shape == [1437, 64])
        #expect(test.inputs.shape == [360, 64])
        #expect(train.inputs.max().item(as: Double.self) == 1)   // pixels 0...16 scaled by 1/16
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("SHA256SUMS").path))
    }

    /// The example's whole code path on the digits, small enough for a debug build (about 3 s):
    /// one hidden layer of 128, 12 epochs of Adam (lr 0.004, cosine-annealed). Measured: 98.1%.
    @Test func trainsDigitsToAtLeast97PercentAndWritesItsFiles() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = Options()
        options.hidden = [128]
        options.epochs = 12
        options.learningRate = 0.004
        options.showProgress = false
        options.outputDirectory = out.path
        var lines: [String] = []
        let result = try MLPClassifier.run(options) { lines.append($0) }

        #expect(result.testAccuracy >= 0.97)
        #expect(result.epochs == 12)
        #expect(result.history.epochs.count == 12)
        #expect(result.history.trainLoss.last! < result.history.trainLoss.first!)
        #expect(result.confusion.total == 360)
        #expect(result.resultLine.hasPrefix("RESULT test_accuracy=0.9"))
        #expect(result.resultLine.contains("epochs=12"))
        #expect(lines.contains { $0.contains("precision") })

        // The saved model loads back into a fresh network and gives the same accuracy.
        let (tensors, metadata) = try SafeTensors.read(from: out.appendingPathComponent("model.safetensors"))
        #expect(Set(tensors.keys) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(tensors["0.weight"]?.shape == [128, 64])
        #expect(metadata["architecture"] == "64-128-10")
        let model = MLPClassifier.makeModel(inputSize: 64, hidden: [128], classes: 10, seed: 99)
        try model.loadStateDict(tensors)
        let (_, test, _) = try MLPClassifier.loadData(.bundledDigits, seed: 1)
        #expect(MLPClassifier.evaluate(model, on: test, classCount: 10).confusion.accuracy == result.testAccuracy)

        let svg = try String(contentsOf: out.appendingPathComponent("curves.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
        let csv = try String(contentsOf: out.appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 13)
    }

    @Test func trainsOnACSVFile() throws {
        // Two well-separated blobs in 3 columns, the label in the middle column.
        let folder = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SplitMix64(seed: 5)
        var rows = ["a,label,b"]
        for i in 0..<100 {
            let label = i % 2
            let center = label == 0 ? -2.0 : 2.0
            rows.append("\(center + generator.nextNormal()),\(label),\(center + generator.nextNormal())")
        }
        let file = folder.appendingPathComponent("blobs.csv")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        var options = try #require({ if case .train(let o) = try parseArguments(["--csv", file.path, "--label-column", "1"]) { return o }; return nil }())
        options.hidden = [8]
        options.epochs = 20
        options.learningRate = 0.01
        options.showProgress = false
        options.outputDirectory = folder.appendingPathComponent("out").path
        let result = try MLPClassifier.run(options) { _ in }
        #expect(result.confusion.classCount == 2)
        #expect(result.confusion.total == 20)
        #expect(result.testAccuracy >= 0.95)
    }

    /// The documented iris command (Examples/README.md): text labels chosen by header name,
    /// batches of 15 by default, the class names in the confusion matrix and the model's metadata.
    @Test func trainsOnIrisAsDocumented() throws {
        let iris = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/iris.csv")
        let folder = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["--csv", iris.path, "--label-column", "species", "--hidden", "16", "--epochs", "100", "--no-progress"]
        var options = try #require({ if case .train(let o) = try parseArguments(arguments) { return o }; return nil }())
        options.outputDirectory = folder.path
        var lines: [String] = []
        let result = try MLPClassifier.run(options) { lines.append($0) }
        #expect(lines.contains { $0.contains("batch 15,") })
        #expect(result.confusion.classNames == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
        #expect(result.confusion.description.contains("Iris-versicolor"))
        #expect(result.testAccuracy >= 0.9, "\(result.confusion)")
        let saved = try SafeTensors.read(from: folder.appendingPathComponent("model.safetensors"))
        #expect(saved.metadata["classes"] == #"["Iris-setosa","Iris-versicolor","Iris-virginica"]"#)
    }

    /// MNIST with the documented settings (784-256-128-10, Adam, 10 epochs) reaches 98%.
    /// Slow in a debug build, so it runs only with `BACKPROP_MNIST_TEST=1` and when the data is
    /// at `../shared/datasets/mnist` (or `$BACKPROP_MNIST_DIR`):
    /// `BACKPROP_MNIST_TEST=1 swift test -c release --filter MLPClassifierTrainingTests`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BACKPROP_MNIST_TEST"] == "1" && mnistDirectory != nil,
                   "set BACKPROP_MNIST_TEST=1 (and have ../shared/datasets/mnist) to run"))
    func mnistReaches98Percent() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = Options()
        options.data = .idx(directory: mnistDirectory!.path)
        options.showProgress = false
        options.outputDirectory = out.path
        let result = try MLPClassifier.run(options) { _ in }
        #expect(result.epochs == 10)
        #expect(result.testAccuracy >= 0.98)
    }
}
