import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Corrupted copies of small valid files — every truncation, plus random byte flips, overwrites,
/// insertions and deletions from a fixed seed — must each either load or throw a
/// ``FileFormatError``; none may crash, hang, or throw anything else.
@Suite("ReaderFuzz") struct ReaderFuzzTests {
    /// Applies 1–3 random edits to `bytes`.
    private static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        for _ in 0...(rng.next() % 3) {
            let position = b.isEmpty ? 0 : Int(rng.next() % UInt64(b.count))
            switch rng.next() % 6 {
            case 0 where !b.isEmpty: b[position] ^= UInt8(1 << (rng.next() % 8))           // flip a bit
            case 1 where !b.isEmpty: b[position] = UInt8(truncatingIfNeeded: rng.next())   // overwrite a byte
            case 2 where !b.isEmpty: b[position] = [0x00, 0xFF, 0x7F, 0x80, 0x2C, 0x22, 0x7B, 0x2D][Int(rng.next() % 8)]
            case 3: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)          // insert a byte
            case 4 where !b.isEmpty: b.remove(at: position)                                // delete a byte
            default: b = Array(b.prefix(Int(rng.next() % UInt64(b.count + 1))))            // truncate
            }
        }
        return b
    }

    /// Writes each corrupted variant of `valid` to one file and runs `read` on it; returns the
    /// number of cases and a description of each one that threw something other than a FileFormatError.
    private static func fuzz(_ valid: [UInt8], cases: Int, seed: UInt64, read: (URL) throws -> Void) -> (count: Int, failures: [String]) {
        let folder = makeTemporaryFolder("fuzz\(seed)")
        let url = folder.appendingPathComponent("case.bin")
        var rng = SplitMix64(seed: seed)
        var variants = (0..<valid.count).map { Array(valid.prefix($0)) }   // every truncation
        for _ in 0..<cases { variants.append(mutate(valid, &rng)) }
        var failures: [String] = []
        for (i, bytes) in variants.enumerated() {
            try! Data(bytes).write(to: url)
            do { try read(url) } catch let e as FileFormatError {
                if !e.description.hasPrefix(url.path) { failures.append("case \(i): description does not start with the path: \(e)") }
            } catch {
                failures.append("case \(i): unexpected error type \(type(of: error)): \(error)")
            }
        }
        try? FileManager.default.removeItem(at: folder)
        return (variants.count, failures)
    }

    @Test func idxReaderSurvivesCorruption() {
        let valid = idxBytes(shape: [3, 2, 2], values: Array(0..<12))
        let result = Self.fuzz(valid, cases: 1500, seed: 11) { url in
            _ = try IDX.read(url)
            _ = try IDX.readBytes(url)
        }
        #expect(result.count == 1500 + valid.count)
        #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
        let labels = idxBytes(shape: [4], values: [1, 2, 3, 4])
        let labelResult = Self.fuzz(labels, cases: 500, seed: 12) { url in _ = try IDX.readLabels(url) }
        #expect(labelResult.failures.isEmpty, "\(labelResult.failures.prefix(5))")
    }

    @Test func csvReaderSurvivesCorruption() {
        let valid = Array("x,y,label\n0.5,-1,0\n2e3,4,1\n\"7\",8.25,2\n".utf8)
        let result = Self.fuzz(valid, cases: 1500, seed: 21) { url in _ = try CSV.load(url, labelColumn: -1) }
        #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
        // RFC 4180 syntax and text labels: quoted delimiters, doubled quotes, line breaks in
        // quotes, CR and CRLF line ends, a byte order mark.
        let quoted = [0xEF, 0xBB, 0xBF] + Array("\"x, cm\",\"y \"\"q\"\"\",\"kind\nname\"\r\n0.5,\"-1\",setosa\r\"2e3\",4,\"vir,ginica\"\n".utf8)
        let quotedResult = Self.fuzz(quoted, cases: 1500, seed: 22) { url in
            _ = try CSV.load(url, labelColumn: -1)
            _ = try CSV.load(url, labelColumn: "kind\nname")
        }
        #expect(quotedResult.failures.isEmpty, "\(quotedResult.failures.prefix(5))")
    }

    @Test func safeTensorsReaderSurvivesCorruption() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("valid.safetensors")
        try SafeTensors.write(["a": Tensor([1, 2, 3] as [Float], shape: [3]), "b": Tensor([4, 5] as [Double], shape: [1, 2]),
                               "c": Tensor.zeros([0])], metadata: ["k": "v"], to: url)
        let valid = [UInt8](try Data(contentsOf: url))
        let result = Self.fuzz(valid, cases: 2000, seed: 31) { url in _ = try SafeTensors.read(from: url) }
        #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
        // A hand-made file with F16, BF16 and I64 tensors exercises the converting paths.
        let header = #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"i":{"dtype":"I64","shape":[1],"data_offsets":[4,12]},"z":{"dtype":"BF16","shape":[1],"data_offsets":[12,14]}}"#
        let foreign = safetensorsBytes(header: header, buffer: [0, 0x3C, 0, 0xC0] + littleEndian64(9) + [0x80, 0x3F])
        let foreignResult = Self.fuzz(foreign, cases: 1000, seed: 32) { url in _ = try SafeTensors.read(from: url) }
        #expect(foreignResult.failures.isEmpty, "\(foreignResult.failures.prefix(5))")
    }
}
