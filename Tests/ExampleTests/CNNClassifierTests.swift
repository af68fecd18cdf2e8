import Backprop
import Foundation
import MLPClassifierCore
import Testing

@Suite struct CNNClassifierTests {
    /// A fresh folder under the system's temporary directory, removed by the caller.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-classifier-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func argumentsAreMLPClassifiersLessTheMLPOnes() throws {
        guard case .train(let options) = try CNNClassifier.parse(["--epochs", "2", "--data", "/tmp/mnist"]) else {
            Issue.record("expected a training command")
            return
        }
        #expect(options.epochs == 2)
        #expect(options.data == .idx(directory: "/tmp/mnist"))
        #expect(options.outputDirectory == "out/cnn-classifier")
        #expect(try CNNClassifier.parse(["--out=/tmp/x"]) == .train({ var o = Options(); o.outputDirectory = "/tmp/x"; return o }()))
        #expect(try CNNClassifier.parse(["--help"]) == .help)
        #expect(throws: UsageError("--hidden does not apply to cnn-classifier (see --help)")) { try CNNClassifier.parse(["--hidden", "8"]) }
        #expect(throws: UsageError("--csv does not apply to cnn-classifier (see --help)")) { try CNNClassifier.parse(["--csv=a.csv"]) }
    }

    /// The example's whole code path on the bundled digits in a debug build: the small CNN
    /// (3x3 kernels, 16 and 32 channels, hidden layer 64) for 6 epochs of Adam (lr 0.004,
    /// cosine-annealed). Its files load back into a fresh network with the same accuracy.
    @Test func trainsTheDigitsAndWritesItsFiles() throws {
        let out = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = Options()
        options.epochs = 6
        options.learningRate = 0.004
        options.showProgress = false
        options.outputDirectory = out.path
        var lines: [String] = []
        let result = try CNNClassifier.run(options) { lines.append($0) }

        #expect(result.testAccuracy >= 0.95, "\(result.resultLine)")
        #expect(result.history.trainLoss.last! < result.history.trainLoss.first!)
        #expect(result.confusion.total == 360)
        #expect(result.resultLine.contains("epochs=6"))
        #expect(lines.contains { $0.contains("CNN with ReLU") })
        #expect(result.files.map(\.lastPathComponent) == ["model.safetensors", "model.onnx", "test_logits.safetensors",
                                                          "curves.svg", "history.csv"])

        let (tensors, metadata) = try SafeTensors.read(from: out.appendingPathComponent("model.safetensors"))
        #expect(Set(tensors.keys) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"])
        #expect(tensors["3.weight"]?.shape == [32, 16, 3, 3])
        #expect(metadata["test_accuracy"] == String(format: "%.4f", result.testAccuracy))
        let model = CNNClassifier.makeModel(side: 8, kernel: 3, hidden: 64, classes: 10, seed: 99)
        try model.loadStateDict(tensors)
        let (_, flatTest, _) = try MLPClassifier.loadData(.bundledDigits, seed: 1)
        let test = flatTest.mapInputs { $0.reshaped([-1, 1, 8, 8]) }
        #expect(MLPClassifier.evaluate(model, on: test, classCount: 10).confusion.accuracy == result.testAccuracy)
    }

    /// MNIST with the defaults (W7's network, Adam lr 0.002 cosine-annealed, batch 64, 5 epochs)
    /// reaches 99.0%. Minutes even in release, so only with `BACKPROP_MNIST_TEST=1` and the data
    /// at `../shared/datasets/mnist` (or `$BACKPROP_MNIST_DIR`).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BACKPROP_MNIST_TEST"] == "1" && Self.mnist != nil,
                   "set BACKPROP_MNIST_TEST=1 (and have ../shared/datasets/mnist) to run"))
    func cnnReaches99PercentOnMNIST() throws {
        let out = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = Options()
        options.data = .idx(directory: Self.mnist!.path)
        options.showProgress = false
        options.outputDirectory = out.path
        let result = try CNNClassifier.run(options) { _ in }
        #expect(result.epochs == 5)
        #expect(result.testAccuracy >= 0.99, "\(result.resultLine)")
    }

    static let mnist: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["BACKPROP_MNIST_DIR"].map { URL(fileURLWithPath: $0) },
                          root.deletingLastPathComponent().appendingPathComponent("shared/datasets/mnist")]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("train-images-idx3-ubyte").path)
        }
    }()
}
