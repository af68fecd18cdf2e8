import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

@Suite("SafeTensors") struct SafeTensorsTests {
    private func sample() -> [String: Tensor] {
        [
            "layer.weight": Tensor((0..<6).map { Float($0) * 0.5 - 1 }, shape: [2, 3]),
            "layer.bias": Tensor([1.25, -2.5] as [Float], shape: [2]),
            "double": Tensor((0..<24).map { Double($0) / 3 }, shape: [2, 3, 4]),
            "scalar": Tensor(3.5, dtype: .float64),
            "empty": Tensor.zeros([0, 3]),
        ]
    }

    @Test func roundTripKeepsNamesShapesTypesValuesAndMetadata() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensors.write(sample(), metadata: ["epoch": "5", "note": "a/b \"quoted\""], to: url)
        let (tensors, metadata) = try SafeTensors.read(from: url)
        #expect(tensors == sample())
        #expect(metadata == ["epoch": "5", "note": "a/b \"quoted\""])
        #expect(tensors["double"]!.dtype == .float64 && tensors["layer.bias"]!.dtype == .float32)
    }

    @Test func fileLayoutFollowsTheSpecification() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("small.safetensors")
        try SafeTensors.write(["b": Tensor([2] as [Float], shape: [1]), "a": Tensor([1, -1] as [Double], shape: [2])], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let n = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + n) % 8 == 0)                                    // buffer starts 8-byte aligned
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        // Sorted names: "a" (2 doubles, bytes 0..<16) then "b" (1 float, bytes 16..<20).
        #expect(header.trimmingCharacters(in: .whitespaces)
            == #"{"a":{"data_offsets":[0,16],"dtype":"F64","shape":[2]},"b":{"data_offsets":[16,20],"dtype":"F32","shape":[1]}}"#)
        #expect(bytes.count == 8 + n + 20)
        // 1.0 as little-endian IEEE double is 00 00 00 00 00 00 F0 3F; 2.0 as float is 00 00 00 40.
        #expect(Array(bytes[(8 + n)..<(8 + n + 8)]) == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(Array(bytes[(8 + n + 16)...]) == [0, 0, 0, 0x40])
    }

    @Test func readsOtherDTypesAndForeignHeaders() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Hand-made file in the key order and padding style of the Python library, with F16
        // (1.0 = 0x3C00, -2.5 = 0xC100, 2^-24 = 0x0001), BF16 (1.0 = 0x3F80, -3.0 = 0xC040), I64 (-7, 40).
        let header = #"{"__metadata__":{"format":"pt"},"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]},"i":{"dtype":"I64","shape":[2],"data_offsets":[10,26]}}"#
        let buffer: [UInt8] = [0x00, 0x3C, 0x00, 0xC1, 0x01, 0x00, 0x80, 0x3F, 0x40, 0xC0]
            + littleEndian64(UInt64(bitPattern: -7)) + littleEndian64(40)
        let url = writeFile(safetensorsBytes(header: header, buffer: buffer), "foreign.safetensors", in: folder)
        let (t, metadata) = try SafeTensors.read(from: url)
        #expect(metadata == ["format": "pt"])
        #expect(t["h"]!.scalars(as: Float.self) == [1, -2.5, 0x1p-24])
        #expect(t["b"]!.scalars(as: Float.self) == [1, -3])
        #expect(t["i"]!.dtype == .float64 && t["i"]!.scalars(as: Double.self) == [-7, 40])
    }

    /// A write that fails part-way leaves the previous file intact and loadable, and no temporary file behind.
    @Test func atomicWriteSurvivesAFailureMidWrite() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let old = ["w": Tensor([1, 2, 3] as [Float], shape: [3])]
        try SafeTensors.write(old, metadata: ["version": "1"], to: url)
        let oldBytes = try Data(contentsOf: url)
        let newTensors = sample()
        for failAfter in [0, 1, 7, 8, 20, 100, 150, 300] {
            #expect(throws: FileFormatError.self) {
                try SafeTensors.write(newTensors, metadata: ["version": "2"], to: url, failAfterBytes: failAfter)
            }
            #expect(try Data(contentsOf: url) == oldBytes, "after a failure at byte \(failAfter)")
            let (tensors, metadata) = try SafeTensors.read(from: url)
            #expect(tensors == old && metadata == ["version": "1"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["checkpoint.safetensors"])
        }
        try SafeTensors.write(newTensors, metadata: ["version": "2"], to: url, failAfterBytes: 1 << 30)
        #expect(try SafeTensors.read(from: url).metadata == ["version": "2"])
        let error = formatError { try SafeTensors.write(["__metadata__": Tensor.zeros([1])], to: url) }
        #expect(error?.description.contains("reserved") == true)
    }

    /// Every corrupt file throws an error naming the file and the problem, before allocating what it claims.
    @Test func corruptFilesThrow() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let four = floatBytes([1, 2, 3, 4])
        func tensor(_ name: String = "x", dtype: String = "F32", shape: String = "[4]", offsets: String = "[0,16]") -> String {
            #"{"\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}}"#
        }
        let valid = safetensorsBytes(header: tensor(), buffer: four)
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "the file is empty"),
            ("short-length", [16, 0, 0], "truncated header length"),
            ("length-only", littleEndian64(16), "header length 16 exceeds the 0 bytes"),
            ("gigabyte-header", littleEndian64(1 << 40) + Array("{}".utf8), "header length 1099511627776 exceeds"),
            ("max-header", littleEndian64(UInt64.max) + Array("{}".utf8), "exceeds the 2 bytes"),
            ("truncated-header", Array(valid.prefix(30)), "exceeds the 22 bytes"),
            ("truncated-data", Array(valid.dropLast(3)), "reach past the end of the 13-byte buffer"),
            ("not-json", safetensorsBytes(header: "{not json}", buffer: []), "malformed JSON header"),
            ("not-object", safetensorsBytes(header: "[1, 2]", buffer: []), "does not start with '{'"),
            ("zero-length", littleEndian64(0) + [0], "too small"),
            ("wrong-dtype", safetensorsBytes(header: tensor(dtype: "F8_E4M3"), buffer: four), "unsupported dtype \"F8_E4M3\""),
            ("unknown-dtype", safetensorsBytes(header: tensor(dtype: "Q4"), buffer: four), "unsupported dtype \"Q4\""),
            ("negative-dim", safetensorsBytes(header: tensor(shape: "[-4]"), buffer: four), "negative dimension -4"),
            ("overflow-dims", safetensorsBytes(header: tensor(shape: "[4611686018427387904, 4]"), buffer: four), "more elements than fit"),
            ("overflow-bytes", safetensorsBytes(header: tensor(shape: "[2305843009213693952]"), buffer: four), "more bytes than fit"),
            ("claims-gigabytes", safetensorsBytes(header: tensor(shape: "[1000000000]", offsets: "[0,4000000000]"), buffer: four),
             "reach past the end of the 16-byte buffer"),
            ("size-mismatch", safetensorsBytes(header: tensor(shape: "[3]"), buffer: four), "span 16 bytes but shape [3] of F32 needs 12"),
            ("reversed-offsets", safetensorsBytes(header: tensor(offsets: "[16,0]"), buffer: four), "not an increasing pair"),
            ("negative-offset", safetensorsBytes(header: tensor(offsets: "[-4,12]"), buffer: four), "not an increasing pair"),
            ("three-offsets", safetensorsBytes(header: tensor(offsets: "[0,8,16]"), buffer: four), "must be [begin, end]"),
            ("float-offset", safetensorsBytes(header: tensor(offsets: "[0,1.5]"), buffer: four), "malformed JSON header"),
            ("missing-key", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[4]}}"#, buffer: four), "malformed JSON header"),
            ("metadata-not-strings", safetensorsBytes(header: #"{"__metadata__":{"epoch":5}}"#, buffer: []), "malformed JSON header"),
            ("gap", safetensorsBytes(header: tensor(shape: "[3]", offsets: "[4,16]"), buffer: four), "4 bytes of the buffer before tensor \"x\" belong to no tensor"),
            ("uncovered-tail", safetensorsBytes(header: tensor(shape: "[3]", offsets: "[0,12]"), buffer: four), "cover 12 bytes but the buffer after the header has 16"),
            ("overlap", safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[3],"data_offsets":[4,16]}}"#, buffer: four),
             "tensor \"b\" data_offsets [4, 16] overlap tensor \"a\" [0, 12]"),
        ]
        for (name, bytes, problem) in cases {
            let url = writeFile(bytes, name + ".safetensors", in: folder)
            let error = formatError { try SafeTensors.read(from: url) }
            #expect(error?.path == url.path, "\(name): expected an error naming the file")
            #expect(error?.description.contains(url.path) == true)
            #expect(error?.description.contains(problem) == true, "\(name): \(error?.description ?? "no error")")
        }
        let valid4 = writeFile(valid, "valid.safetensors", in: folder)
        #expect(try SafeTensors.read(from: valid4).tensors["x"]!.scalars(as: Float.self) == [1, 2, 3, 4])
    }
}

// MARK: - Interoperability with the Python `safetensors` package

/// A Python interpreter that can `import numpy, safetensors.numpy`: `$BACKPROP_PYTHON` when set
/// (and only it), else the peers' venv `/tmp/peers-venv/bin/python`, else each `python3` on the PATH
/// (where `python3 -m pip install safetensors numpy` puts the packages).
enum InteropPython {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin"
        var candidates = ["/tmp/peers-venv/bin/python"] + path.split(separator: ":").map { "\($0)/python3" }
        if let custom = ProcessInfo.processInfo.environment["BACKPROP_PYTHON"] { candidates = [custom] }
        return candidates.first { path in
            FileManager.default.isExecutableFile(atPath: path)
                && (try? run(path, ["-c", "import numpy, safetensors.numpy"]))?.status == 0
        }
    }()

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Interop/roundtrip.py")
}

@Suite("SafeTensorsInteropTests") struct SafeTensorsInteropTests {
    /// Backprop writes, Python (`safetensors.numpy`) checks; Python writes, Backprop checks. The
    /// values are defined the same way on both sides (see Tests/Interop/roundtrip.py).
    @Test(.enabled(if: InteropPython.executable != nil,
                   "skipped: no Python with numpy and safetensors (set BACKPROP_PYTHON, or pip install safetensors numpy)"))
    func pythonReadsOurFileAndWeReadPythons() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weight = Tensor((0..<12).map { Float($0) * 0.25 - 1 }, shape: [3, 4])      // arange(12) * 0.25 - 1
        let bias = Tensor((0..<4).map { Float($0) / 8 }, shape: [4])                     // arange(4) / 8
        let grid = Tensor((0..<24).map { Double($0) / 3 }, shape: [2, 3, 4])            // arange(24) / 3 (float64)
        let empty = Tensor.zeros([0, 5])
        try SafeTensors.write(["fc.weight": weight, "fc.bias": bias, "grid": grid, "empty": empty],
                              metadata: ["framework": "backprop"],
                              to: folder.appendingPathComponent("from_backprop.safetensors"))
        let result = try InteropPython.run(InteropPython.executable!, [InteropPython.script.path, folder.path])
        #expect(result.status == 0, "roundtrip.py failed:\n\(result.output)")

        let (tensors, metadata) = try SafeTensors.read(from: folder.appendingPathComponent("from_python.safetensors"))
        #expect(metadata == ["framework": "numpy"])
        #expect(tensors["x"] == Tensor((0..<12).map { Float($0) / 4 }, shape: [3, 4]))     // arange(12) / 4
        #expect(tensors["y"] == Tensor((0..<5).map { Double($0) * 1.5 - 2 }, shape: [5]))   // arange(5) * 1.5 - 2
        #expect(tensors["half"]?.scalars(as: Float.self) == [0, 0.5, 1, 1.5])              // arange(4) / 2 as float16
        #expect(tensors["count"]?.scalars(as: Double.self) == [-3, -2, -1, 0, 1, 2])       // arange(-3, 3) int64
        #expect(tensors["scalar"] == Tensor(2.75, dtype: .float32))
        #expect(tensors.count == 5)
    }
}
