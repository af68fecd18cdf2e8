import Foundation
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

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

/// The shared data sets, when this machine has them.
enum SharedDatasets {
    static let digits = URL(fileURLWithPath: "/work/shared/datasets/digits")
    static let mnist = URL(fileURLWithPath: "/work/shared/datasets/mnist")
    static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("train-labels-idx1-ubyte").path)
    }
}
