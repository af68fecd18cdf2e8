import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

// Fixtures shared by the test files: temporary folders and byte builders for the file-format
// tests, the data sets, a Python for the interoperability tests, and a small training set-up.

/// Where test files go: `$TMPDIR` if set, else the memory-backed `/dev/shm` when it exists (the
/// fuzz tests write thousands of small files; on a shared disk those slow every `fsync`), else the
/// system temporary directory.
let testFileRoot: URL = {
    let shm = "/dev/shm"
    if ProcessInfo.processInfo.environment["TMPDIR"] == nil, FileManager.default.isWritableFile(atPath: shm) {
        return URL(fileURLWithPath: shm)
    }
    return FileManager.default.temporaryDirectory
}()

/// A fresh folder for one test's files.
func makeTemporaryFolder(_ name: String = #function) -> URL {
    let cleaned = name.filter { $0.isLetter || $0.isNumber }
    let url = testFileRoot
        .appendingPathComponent("backprop-tests-\(cleaned)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes bytes to `folder/name` and returns the file's URL.
@discardableResult
func writeFile(_ bytes: [UInt8], _ name: String, in folder: URL) -> URL {
    let url = folder.appendingPathComponent(name)
    try! Data(bytes).write(to: url)
    return url
}

/// Runs `body` and returns the ``FileFormatError`` it throws (nil if it succeeds or throws another error).
func formatError<T>(_ body: () throws -> T) -> FileFormatError? {
    do { _ = try body(); return nil } catch let e as FileFormatError { return e } catch { return nil }
}

/// The big-endian bytes of a 32-bit size.
func bigEndian32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

/// The little-endian bytes of a 64-bit length.
func littleEndian64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(v >> (8 * UInt64($0)) & 0xFF) } }

/// An IDX file of unsigned bytes with the given shape and values.
func idxBytes(shape: [Int], values: [UInt8], typeCode: UInt8 = 0x08) -> [UInt8] {
    [0, 0, typeCode, UInt8(shape.count)] + shape.flatMap(bigEndian32) + values
}

/// A safetensors file from a header JSON string (padded to 8 bytes) and a data buffer.
func safetensorsBytes(header: String, buffer: [UInt8]) -> [UInt8] {
    var h = Array(header.utf8)
    while (8 + h.count) % 8 != 0 { h.append(0x20) }
    return littleEndian64(UInt64(h.count)) + h + buffer
}

/// The little-endian bytes of Float values.
func floatBytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in littleEndian64(UInt64(v.bitPattern)).prefix(4) } }

/// The repository's root, found from this file's path (Tests/BackpropTests/TestSupport.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The data sets the tests read: the 8x8 digits bundled in the repository (always there) and
/// MNIST, optional, from `$BACKPROP_MNIST_DIR` (scripts/get-mnist.sh downloads it).
enum TestData {
    /// The four IDX files of the 8x8 digits (1,437 training and 360 test images).
    static let digits = repositoryRoot.appendingPathComponent("Examples/MLPClassifierCore/Resources/digits")
    /// `$BACKPROP_MNIST_DIR` when it holds the four MNIST files, else nil.
    static let mnist: URL? = {
        guard let path = ProcessInfo.processInfo.environment["BACKPROP_MNIST_DIR"], !path.isEmpty else { return nil }
        let url = URL(fileURLWithPath: path)
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("train-labels-idx1-ubyte").path) ? url : nil
    }()
    /// The skip message of tests that need MNIST.
    static let mnistMissing = "set BACKPROP_MNIST_DIR to a folder with the four MNIST files (scripts/get-mnist.sh)"
}

/// A Python interpreter for the interoperability tests: `$BACKPROP_PYTHON` when set (and only
/// it), else `python3` on the `PATH`; each test needs certain modules importable.
enum TestPython {
    /// A Python that can import torch, numpy and safetensors (the PyTorch parity tests).
    static let withTorch = find(importing: ["torch", "numpy", "safetensors"])
    /// A Python that can import numpy and safetensors (the safetensors round trip).
    static let withSafetensors = find(importing: ["numpy", "safetensors"])

    /// The skip message of a test that needs a Python with `modules`.
    static func missing(_ modules: String) -> String {
        "no Python with \(modules): set BACKPROP_PYTHON to one (bash .ci/run makes a venv)"
    }

    /// A script in Tests/Interop.
    static func script(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/Interop").appendingPathComponent(name).path
    }

    /// The interpreter, if it finds every module (without importing them, which takes seconds).
    static func find(importing modules: [String]) -> String? {
        let environment = ProcessInfo.processInfo.environment
        let python = environment["BACKPROP_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let list = modules.map { "'\($0)'" }.joined(separator: ", ")
        let probe = "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in [\(list)]) else 1)"
        return run(python, ["-c", probe]).status == 0 ? python : nil
    }

    /// Runs `python arguments...` (a name is looked up on the `PATH` through `/usr/bin/env`) and
    /// returns its exit status and its standard output and error together.
    static func run(_ python: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "could not start \(python): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Shared by the resume, determinism, concurrency and PyTorch-parity tests: a small real data
/// set (the 8x8 digits), a tiny MLP and a training loop with a shuffling loader.
enum TrainingFixture {
    /// The bundled digits, pixels scaled to [0, 1].
    static let digits: (train: TensorDataset, test: TensorDataset) = {
        do { return try MNIST.load(directory: TestData.digits, scale: 1.0 / 16) } catch {
            fatalError("cannot read the bundled digits in \(TestData.digits.path): \(error)")
        }
    }()

    /// The first `count` training examples: enough for a few real steps, fast in debug builds.
    static func smallTrainingSet(_ count: Int = 96) -> TensorDataset {
        digits.train.subset(Array(0..<count))
    }

    /// `Linear(64 → hidden) → ReLU → Linear(hidden → 10)`, initialised from `seed`.
    static func makeModel(seed: UInt64, hidden: Int = 16) -> Sequential {
        var g = SplitMix64(seed: seed)
        return Sequential(Linear(inputSize: 64, outputSize: hidden, generator: &g), ReLU(),
                          Linear(inputSize: hidden, outputSize: 10, generator: &g))
    }

    /// One epoch of mini-batch training with cross-entropy; returns the losses.
    @discardableResult
    static func trainEpoch(_ model: any Module, _ optimizer: any Optimizer, _ loader: DataLoader) -> [Float] {
        loader.map { trainStep(model, optimizer, $0) }
    }

    /// One optimizer step on one batch with cross-entropy; returns the loss.
    static func trainStep(_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch) -> Float {
        optimizer.zeroGrad()
        let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
        loss.backward()
        optimizer.step()
        return loss.value.item(as: Float.self)
    }

    /// Every parameter's and buffer's scalars as bit patterns, by state-dict name.
    static func bits(of model: any Module) -> [String: [UInt64]] {
        model.stateDict().mapValues { t in
            t.dtype == .float32 ? t.scalars(as: Float.self).map { UInt64($0.bitPattern) } : t.scalars(as: Double.self).map(\.bitPattern)
        }
    }
}
