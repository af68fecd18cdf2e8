import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes Hugging Face's safetensors format, the common file format for model weights
/// (PyTorch, JAX, NumPy and Candle read it).
///
/// Layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON
/// `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}`
/// (padded with spaces); then the byte buffer, each tensor's little-endian elements at
/// `[begin, end)` relative to the buffer's start.
///
/// ```swift
/// try SafeTensors.write(model.stateDict(), metadata: ["epoch": "5"], to: url)
/// let (tensors, metadata) = try SafeTensors.read(from: url)
/// ```
public enum SafeTensors {
    /// The largest header accepted (the reference implementation's limit).
    public static let maximumHeaderLength = 100 << 20

    /// Element types of the format and how Backprop reads them.
    enum ElementType: String, CaseIterable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

        var byteSize: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        /// F64 and integers (exact up to 2^53) become float64; F32, F16 and BF16 become float32.
        var tensorType: DType {
            switch self {
            case .f32, .f16, .bf16: return .float32
            default: return .float64
            }
        }

        init(_ dtype: DType) { self = dtype == .float32 ? .f32 : .f64 }
    }

    // MARK: - Writing

    /// Writes tensors (in order of sorted names) and string metadata to `url`, atomically: the
    /// bytes go to a temporary file in the same folder, which is flushed to disk (`fsync`) and then
    /// renamed over `url`, so a crash or error part-way leaves any previous file intact.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try write(tensors, metadata: metadata, to: url, failAfterBytes: nil)
    }

    /// ``write(_:metadata:to:)`` with a test hook: `failAfterBytes` makes the write fail once that
    /// many bytes have reached the temporary file.
    static func write(_ tensors: [String: Tensor], metadata: [String: String], to url: URL, failAfterBytes: Int?) throws {
        let names = tensors.keys.sorted()
        if names.contains("__metadata__") {
            throw FileFormatError(url, "SafeTensors.write: \"__metadata__\" is reserved and cannot name a tensor")
        }
        var entries: [String: HeaderEntry] = [:]
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let size = t.count * t.dtype.byteSize
            entries[name] = .tensor(TensorInfo(dtype: ElementType(t.dtype).rawValue, shape: t.shape, data_offsets: [offset, offset + size]))
            offset += size
        }
        if !metadata.isEmpty { entries["__metadata__"] = .metadata(metadata) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var header = [UInt8](try encoder.encode(entries))
        while (8 + header.count) % 8 != 0 { header.append(0x20) }   // pad so the buffer starts 8-byte aligned
        var length = UInt64(header.count).littleEndian
        let prefix = withUnsafeBytes(of: &length) { [UInt8]($0) } + header

        try AtomicFileWriter.write(to: url, failAfterBytes: failAfterBytes) { sink in
            try prefix.withUnsafeBytes { try sink($0) }
            for name in names {
                let t = tensors[name]!
                try UnsafeRawBufferPointer(start: t.buffer.raw, count: t.count * t.dtype.byteSize).withMemoryRebound(to: UInt8.self) {
                    try sink(UnsafeRawBufferPointer($0))
                }
            }
        }
    }

    // MARK: - Reading

    /// Reads every tensor and the metadata of a safetensors file.
    ///
    /// F32 becomes float32 and F64 float64 tensors; F16 and BF16 are widened to float32; integer
    /// and BOOL tensors become float64 (exact up to 2^53). Everything the header claims is checked
    /// before any tensor is allocated — header length against the file size, well-formed JSON,
    /// known dtypes, non-negative shapes whose byte size does not overflow, offsets that match the
    /// shape and tile the buffer exactly with no gap or overlap — and a violation throws a
    /// ``FileFormatError`` naming the file, the tensor and the problem.
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try ReadableFile(url)
        guard file.size >= 8 else {
            throw FileFormatError(url, offset: 0, file.size == 0 ? "the file is empty; a safetensors file starts with an 8-byte header length"
                                                    : "truncated header length: the file is \(file.size) bytes, the header length alone takes 8")
        }
        let lengthBytes = try file.bytes(at: 0, count: 8)
        let claimed = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard claimed <= UInt64(file.size - 8) else {
            throw FileFormatError(url, offset: 0, "the header length \(claimed) exceeds the \(file.size - 8) bytes after it (truncated or corrupt file)")
        }
        let headerLength = Int(claimed)
        guard headerLength <= maximumHeaderLength else {
            throw FileFormatError(url, offset: 0, "the header length \(headerLength) exceeds the limit of \(maximumHeaderLength) bytes")
        }
        guard headerLength >= 2 else {
            throw FileFormatError(url, offset: 0, "the header length \(headerLength) is too small for a JSON object")
        }
        let headerBytes = try file.bytes(at: 8, count: headerLength)
        guard headerBytes[0] == UInt8(ascii: "{") else {
            throw FileFormatError(url, offset: 8, "the header does not start with '{' (not a safetensors file?)")
        }
        let entries: [String: HeaderEntry]
        do {
            entries = try JSONDecoder().decode([String: HeaderEntry].self, from: Data(headerBytes))
        } catch let error as DecodingError {
            throw FileFormatError(url, offset: 8, "malformed JSON header: \(describe(error))")
        } catch {
            throw FileFormatError(url, offset: 8, "malformed JSON header: \(error)")
        }

        let bufferStart = 8 + headerLength
        let bufferLength = file.size - bufferStart
        var metadata: [String: String] = [:]
        var layout: [(name: String, type: ElementType, shape: [Int], begin: Int, end: Int)] = []
        for (name, entry) in entries {
            switch entry {
            case .metadata(let m):
                guard name == "__metadata__" else {
                    throw FileFormatError(url, offset: 8, "entry \"\(name)\" is not a tensor description (dtype, shape, data_offsets)")
                }
                metadata = m
            case .tensor(let info):
                guard name != "__metadata__" else {
                    throw FileFormatError(url, offset: 8, "\"__metadata__\" must map strings to strings")
                }
                layout.append(try check(info, name: name, bufferLength: bufferLength, url))
            }
        }
        layout.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for (i, t) in layout.enumerated() {
            guard t.begin >= covered else {
                let other = layout[i - 1]
                throw FileFormatError(url, offset: bufferStart + t.begin,
                                      "tensor \"\(t.name)\" data_offsets [\(t.begin), \(t.end)] overlap tensor \"\(other.name)\" [\(other.begin), \(other.end)]")
            }
            guard t.begin == covered else {
                throw FileFormatError(url, offset: bufferStart + covered,
                                      "\(t.begin - covered) bytes of the buffer before tensor \"\(t.name)\" belong to no tensor")
            }
            covered = t.end
        }
        guard covered == bufferLength else {
            throw FileFormatError(url, offset: bufferStart + covered,
                                  "the tensors cover \(covered) bytes but the buffer after the header has \(bufferLength) bytes")
        }

        var tensors: [String: Tensor] = [:]
        for t in layout {
            tensors[t.name] = try load(t.type, shape: t.shape, from: file, at: bufferStart + t.begin, byteCount: t.end - t.begin)
        }
        return (tensors, metadata)
    }

    /// Checks one tensor description: known dtype, non-negative shape, byte size matching the
    /// offsets without overflow, offsets inside the buffer.
    private static func check(_ info: TensorInfo, name: String, bufferLength: Int, _ url: URL)
        throws -> (name: String, type: ElementType, shape: [Int], begin: Int, end: Int) {
        func fail(_ message: String) -> FileFormatError { FileFormatError(url, offset: 8, "tensor \"\(name)\": \(message)") }
        guard let type = ElementType(rawValue: info.dtype) else {
            throw fail("unsupported dtype \"\(info.dtype)\" (Backprop reads \(ElementType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var count = 1
        for d in info.shape {
            guard d >= 0 else { throw fail("negative dimension \(d) in shape \(info.shape)") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("shape \(info.shape) has more elements than fit in an Int") }
            count = p
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
        guard !overflow else { throw fail("shape \(info.shape) of \(type.rawValue) needs more bytes than fit in an Int") }
        guard info.data_offsets.count == 2 else {
            throw fail("data_offsets must be [begin, end], got \(info.data_offsets)")
        }
        let begin = info.data_offsets[0], end = info.data_offsets[1]
        guard begin >= 0, begin <= end else { throw fail("data_offsets [\(begin), \(end)] are not an increasing pair of non-negative offsets") }
        guard end <= bufferLength else {
            throw fail("data_offsets [\(begin), \(end)] reach past the end of the \(bufferLength)-byte buffer (truncated file?)")
        }
        guard end - begin == byteCount else {
            throw fail("data_offsets [\(begin), \(end)] span \(end - begin) bytes but shape \(info.shape) of \(type.rawValue) needs \(byteCount)")
        }
        return (name, type, info.shape, begin, end)
    }

    /// Reads one tensor's bytes (already checked against the file) and converts them if needed.
    private static func load(_ type: ElementType, shape: [Int], from file: borrowing ReadableFile, at offset: Int, byteCount: Int) throws -> Tensor {
        var out = Tensor(uninitializedShape: shape, dtype: type.tensorType)
        let n = out.count
        if type == .f32 || type == .f64 {
            if byteCount > 0 { try file.read(into: out.buffer.raw, at: offset, count: byteCount) }
            return out
        }
        let raw = try file.bytes(at: offset, count: byteCount)
        raw.withUnsafeBytes { src in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T { T(littleEndian: src.loadUnaligned(fromByteOffset: i * T.bitWidth / 8, as: T.self)) }
            switch type {
            case .f16:
                out.withMutablePointer(Float.self) { dst in for i in 0..<n { dst[i] = Float(halfBits: load(UInt16.self, i)) } }
            case .bf16:
                out.withMutablePointer(Float.self) { dst in for i in 0..<n { dst[i] = Float(bitPattern: UInt32(load(UInt16.self, i)) << 16) } }
            default:
                out.withMutablePointer(Double.self) { dst in
                    for i in 0..<n {
                        switch type {
                        case .i64: dst[i] = Double(Int64(bitPattern: load(UInt64.self, i)))
                        case .u64: dst[i] = Double(load(UInt64.self, i))
                        case .i32: dst[i] = Double(Int32(bitPattern: load(UInt32.self, i)))
                        case .u32: dst[i] = Double(load(UInt32.self, i))
                        case .i16: dst[i] = Double(Int16(bitPattern: load(UInt16.self, i)))
                        case .u16: dst[i] = Double(load(UInt16.self, i))
                        case .i8: dst[i] = Double(Int8(bitPattern: load(UInt8.self, i)))
                        default: dst[i] = Double(load(UInt8.self, i))   // U8, BOOL
                        }
                    }
                }
            }
        }
        return out
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "\"\($0.stringValue)\"" }.joined(separator: " ")
            return p.isEmpty ? context.debugDescription : "at \(p): \(context.debugDescription)"
        }
        switch error {
        case .dataCorrupted(let c): return path(c) + ((c.underlyingError.map { " (\($0))" }) ?? "")
        case .keyNotFound(let key, let c): return "missing key \"\(key.stringValue)\" " + path(c)
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return path(c)
        @unknown default: return "\(error)"
        }
    }

    // MARK: - Header JSON

    struct TensorInfo: Codable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    /// One value of the header object: a tensor description, or the string-to-string metadata.
    enum HeaderEntry: Codable {
        case tensor(TensorInfo)
        case metadata([String: String])

        init(from decoder: any Decoder) throws {
            if let info = try? TensorInfo(from: decoder) { self = .tensor(info); return }
            if let m = try? [String: String](from: decoder) { self = .metadata(m); return }
            // Neither: report why it is not a tensor description.
            self = .tensor(try TensorInfo(from: decoder))
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .tensor(let info): try info.encode(to: encoder)
            case .metadata(let m): try m.encode(to: encoder)
            }
        }
    }
}

extension Float {
    /// An IEEE 754 half-precision value widened to `Float` (exact).
    init(halfBits h: UInt16) {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F {
            self = Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))                // inf / NaN
        } else if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24                                   // zero / subnormal
            self = sign != 0 ? -magnitude : magnitude
        } else {
            self = Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        }
    }
}
