import Backprop
import Foundation
import MLPClassifierCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The files mlp-classifier hands to other tools, read by those tools (Tests/Interop/*.py).
@Suite struct MLPClassifierInteropTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop")
    /// The built executable beside the test bundle.
    static let executable: URL? = Bundle.main.executableURL.map {
        $0.deletingLastPathComponent().appendingPathComponent("mlp-classifier")
    }.flatMap { FileManager.default.isExecutableFile(atPath: $0.path) ? $0 : nil }

    /// `$BACKPROP_PYTHON`, else `python3` from the PATH, if it can import `modules`.
    static func python(importing modules: String) -> String? {
        let python = ProcessInfo.processInfo.environment["BACKPROP_PYTHON"] ?? "python3"
        return (try? Self.run(python, ["-c", "import " + modules]))?.status == 0 ? python : nil
    }
    static let onnxPython = python(importing: "onnx, onnxruntime, safetensors, numpy")
    static let tensorboardPython = python(importing: "tensorboard, numpy")

    /// Runs `program arguments...` through `/usr/bin/env`; its status, and its output and errors together.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        (process.arguments, process.standardOutput, process.standardError) = ([program] + arguments, pipe, pipe)
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-interop-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// model.onnx passes the full ONNX checker and gives the test logits the run saved.
    @Test(.enabled(if: onnxPython != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func modelONNXGivesTheSameLogitsInONNXRuntime() throws {
        let out = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = Options()
        options.epochs = 2
        options.showProgress = false
        options.outputDirectory = out.path
        let result = try MLPClassifier.run(options) { _ in }
        let onnx = out.appendingPathComponent("model.onnx")
        #expect(result.files.contains(onnx))
        let logits = try SafeTensors.read(from: out.appendingPathComponent("test_logits.safetensors")).tensors["logits"]!
        let (_, test, _) = try MLPClassifier.loadData(.bundledDigits, seed: 1)
        let cases = out.appendingPathComponent("cases.safetensors")
        try SafeTensors.write(["input": test.inputs, "output": logits], to: cases)
        let check = try Self.run(Self.onnxPython!, [Self.scripts.appendingPathComponent("onnx_check.py").path, onnx.path, cases.path])
        #expect(check.status == 0, "onnx_check.py failed:\n\(check.output)")
        #expect(check.output.contains("over 360 rows"))
    }

    /// cnn-classifier's model.onnx (Conv, MaxPool, Flatten, Gemm; input [batch, 1, 8, 8]) gives
    /// the test logits the run saved.
    @Test(.enabled(if: onnxPython != nil, "skipped: no Python with onnx, onnxruntime, safetensors, numpy (set BACKPROP_PYTHON)"))
    func cnnModelONNXGivesTheSameLogitsInONNXRuntime() throws {
        let out = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = Options()
        options.epochs = 1
        options.showProgress = false
        options.outputDirectory = out.path
        let result = try CNNClassifier.run(options) { _ in }
        let onnx = out.appendingPathComponent("model.onnx")
        #expect(result.files.contains(onnx))
        let logits = try SafeTensors.read(from: out.appendingPathComponent("test_logits.safetensors")).tensors["logits"]!
        let (_, test, _) = try MLPClassifier.loadData(.bundledDigits, seed: 1)
        let cases = out.appendingPathComponent("cases.safetensors")
        try SafeTensors.write(["input": test.inputs.reshaped([-1, 1, 8, 8]), "output": logits], to: cases)
        let check = try Self.run(Self.onnxPython!, [Self.scripts.appendingPathComponent("onnx_check.py").path, onnx.path, cases.path])
        #expect(check.status == 0, "onnx_check.py failed:\n\(check.output)")
        #expect(check.output.contains("over 360 rows") && check.output.contains("'Conv'") && check.output.contains("'MaxPool'"),
                "\(check.output)")
    }

    /// A training run killed with SIGKILL keeps every event it wrote: TensorBoard's reader
    /// returns all complete records, then still does after the last record is torn in half.
    @Test(.enabled(if: executable != nil, "the mlp-classifier executable was not built"),
          .enabled(if: tensorboardPython != nil, "skipped: no Python with tensorboard and numpy (set BACKPROP_PYTHON)"))
    func killedRunKeepsEveryEarlierEvent() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logs = folder.appendingPathComponent("runs")
        let child = Process()
        child.executableURL = Self.executable
        child.arguments = ["--tensorboard", logs.path, "--epochs", "1000", "--no-progress", "--threads", "1",
                           "--out", folder.appendingPathComponent("out").path]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        // Wait for a few epochs' worth of records (about 9 kB each), then kill it mid-run.
        var eventFile: URL?
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, child.isRunning {
            let runs = (try? FileManager.default.contentsOfDirectory(at: logs, includingPropertiesForKeys: nil)) ?? []
            eventFile = runs.first.flatMap { try? FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil) }?
                .first { $0.lastPathComponent.contains("tfevents") }
            if let size = eventFile.flatMap({ try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int }), size > 30_000 { break }
            usleep(20_000)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
        let file = try #require(eventFile, "no event file appeared under \(logs.path)")
        let script = Self.scripts.appendingPathComponent("tensorboard_check.py").path

        let afterKill = try Self.run(Self.tensorboardPython!, [script, "killed", file.deletingLastPathComponent().path])
        #expect(afterKill.status == 0, "tensorboard_check.py failed after the kill:\n\(afterKill.output)")

        // Tear the last record: keep its first half, as a kill inside a large write would.
        let bytes = try [UInt8](Data(contentsOf: file))
        var start = 0, last = 0
        while start + 12 <= bytes.count {
            let length = bytes[start..<start + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            guard start + 16 + length <= bytes.count else { break }
            last = start
            start += 16 + length
        }
        try Data(bytes[..<(last + (start - last) / 2)]).write(to: file)
        let afterTear = try Self.run(Self.tensorboardPython!, [script, "killed", file.deletingLastPathComponent().path])
        #expect(afterTear.status == 0, "tensorboard_check.py failed on a torn file:\n\(afterTear.output)")
        #expect(afterTear.output.contains("torn tail") && !afterTear.output.contains("torn tail 0 bytes"))
    }
}

@Suite struct MLPClassifierTensorBoardOptionTests {
    @Test func tensorboardFlagNamesTheLogFolder() throws {
        var expected = Options()
        expected.tensorboardDirectory = "runs"
        #expect(try parseArguments(["--tensorboard", "runs"]) == .train(expected))
        #expect(try parseArguments(["--tensorboard=runs"]) == .train(expected))
        #expect(throws: UsageError("--tensorboard needs a value")) { try parseArguments(["--tensorboard"]) }
        #expect(usage.contains("--tensorboard DIR"))
    }
}
