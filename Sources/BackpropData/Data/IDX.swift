import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

/// Reader for the IDX format of MNIST (LeCun et al.): a 4-byte magic number, the sizes of the
/// axes, then the elements, all big-endian.
///
/// Layout: bytes 0–1 are zero; byte 2 is the element type (`0x08` UInt8, `0x09` Int8, `0x0B` Int16,
/// `0x0C` Int32, `0x0D` Float32, `0x0E` Float64); byte 3 is the number of axes; then one big-endian
/// UInt32 per axis; then the elements, row-major. Every claim of the header is checked against the
/// file size before memory is allocated; a bad file throws a ``FileFormatError``.
///
/// ```swift
/// let images = try IDX.read(URL(fileURLWithPath: "train-images-idx3-ubyte"))  // [60000, 28, 28] float32
/// let labels = try IDX.readLabels(URL(fileURLWithPath: "train-labels-idx1-ubyte"))  // [Int]
/// ```
public enum IDX {
    /// The most axes a file may declare (MNIST uses 1 for labels and 3 for images).
    public static let maximumRank = 8

    /// An IDX element type.
    enum ElementType: UInt8 {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        var byteSize: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }
    }

    /// The checked header of an IDX file.
    struct Header {
        var elementType: ElementType
        var shape: [Int]
        var count: Int
        /// Where the elements start.
        var dataOffset: Int
    }

    /// Reads the header and checks it against the file: magic, element type, rank, axis sizes
    /// (no overflow) and that exactly `count * byteSize` bytes of data follow.
    static func header(of file: borrowing ReadableFile) throws -> Header {
        let url = file.url
        guard file.size > 0 else { throw FileFormatError(url, "the file is empty; an IDX file starts with a 4-byte magic number") }
        guard file.size >= 4 else {
            throw FileFormatError(url, offset: 0, "truncated magic number: the file is \(file.size) bytes, an IDX header needs at least 4")
        }
        let magic = try file.bytes(at: 0, count: 4)
        guard magic[0] == 0, magic[1] == 0 else {
            let hex = magic.map { String(format: "%02x", $0) }.joined()
            throw FileFormatError(url, offset: 0, "wrong magic number 0x\(hex): an IDX file starts with two zero bytes (is this a gzip file? unpack it first)")
        }
        guard let type = ElementType(rawValue: magic[2]) else {
            throw FileFormatError(url, offset: 2, "unsupported element type code 0x\(String(format: "%02x", magic[2])) (IDX defines 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)")
        }
        let rank = Int(magic[3])
        guard rank >= 1, rank <= maximumRank else {
            throw FileFormatError(url, offset: 3, "unsupported number of dimensions \(rank) (expected 1 to \(maximumRank))")
        }
        let dataOffset = 4 + 4 * rank
        guard file.size >= dataOffset else {
            throw FileFormatError(url, offset: 4, "truncated header: \(rank) dimension sizes need \(dataOffset) header bytes but the file is \(file.size) bytes")
        }
        let sizeBytes = try file.bytes(at: 4, count: 4 * rank)
        var shape: [Int] = []
        var count = 1
        for axis in 0..<rank {
            let b = sizeBytes[(4 * axis)..<(4 * axis + 4)].map(Int.init)
            let size = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
            shape.append(size)
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw FileFormatError(url, offset: 4 + 4 * axis, "dimension sizes \(shape) overflow the element count")
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
        let available = file.size - dataOffset
        guard !overflow, byteCount <= available else {
            let claim = overflow ? "more than \(Int.max)" : "\(byteCount)"
            throw FileFormatError(url, offset: dataOffset, "truncated data: the header (shape \(shape), \(type)) claims \(claim) bytes of data but only \(available) bytes follow")
        }
        guard byteCount == available else {
            throw FileFormatError(url, offset: dataOffset + byteCount, "\(available - byteCount) unexpected bytes after the \(byteCount) bytes of data the header (shape \(shape)) describes")
        }
        return Header(elementType: type, shape: shape, count: count, dataOffset: dataOffset)
    }

    /// Reads an IDX file of any element type as a float32 tensor of the file's shape, each
    /// element multiplied by `scale` (e.g. `1/255` for MNIST pixels).
    public static func read(_ url: URL, scale: Double = 1) throws -> Tensor {
        let file = try ReadableFile(url)
        let header = try header(of: file)
        let raw = try file.bytes(at: header.dataOffset, count: header.count * header.elementType.byteSize)
        var out = Tensor(uninitializedShape: header.shape, dtype: .float32)
        let n = header.count
        out.withMutablePointer(Float.self) { dst in
            raw.withUnsafeBytes { src in
                convert(src, header.elementType, n, scale, dst)
            }
        }
        return out
    }

    /// `Float(Double(v) * scale)` for every byte value `v`: the correctly rounded value, so `scale: 1/255`
    /// gives the same pixels as PyTorch's float32 `x / 255`.
    static func byteTable(scale: Double) -> [Float] {
        (0..<256).map { Float(Double($0) * scale) }
    }

    /// Big-endian elements of `type` to Float, times `scale`.
    private static func convert(_ src: UnsafeRawBufferPointer, _ type: ElementType, _ n: Int, _ scale64: Double,
                                _ dst: UnsafeMutablePointer<Float>) {
        let scale = Float(scale64)
        switch type {
        case .uint8:
            let table = byteTable(scale: scale64)
            let p = src.bindMemory(to: UInt8.self)
            table.withUnsafeBufferPointer { t in for i in 0..<n { dst[i] = t[Int(p[i])] } }
        case .int8:
            let p = src.bindMemory(to: Int8.self)
            for i in 0..<n { dst[i] = Float(p[i]) * scale }
        case .int16:
            for i in 0..<n { dst[i] = Float(Int16(bitPattern: UInt16(bigEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) * scale }
        case .int32:
            for i in 0..<n { dst[i] = Float(Int32(bitPattern: UInt32(bigEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) * scale }
        case .float32:
            for i in 0..<n { dst[i] = Float(bitPattern: UInt32(bigEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) * scale }
        case .float64:
            for i in 0..<n { dst[i] = Float(Double(bitPattern: UInt64(bigEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) * scale64) }
        }
    }

    /// Reads an IDX file of unsigned bytes (element type `0x08`) without conversion: its shape
    /// and its bytes in row-major order.
    public static func readBytes(_ url: URL) throws -> (shape: [Int], values: [UInt8]) {
        let file = try ReadableFile(url)
        let header = try header(of: file)
        guard header.elementType == .uint8 else {
            throw FileFormatError(url, offset: 2, "element type is \(header.elementType), expected unsigned bytes (0x08)")
        }
        return (header.shape, try file.bytes(at: header.dataOffset, count: header.count))
    }

    /// Reads a one-dimensional IDX file of unsigned bytes (an MNIST label file) as class indices.
    public static func readLabels(_ url: URL) throws -> [Int] {
        let (shape, values) = try readBytes(url)
        guard shape.count == 1 else {
            throw FileFormatError(url, offset: 3, "a label file has 1 dimension, this one has shape \(shape)")
        }
        return values.map(Int.init)
    }

    /// Writes a tensor as an IDX file of unsigned bytes (each element rounded and clamped to
    /// 0...255): the inverse of ``read(_:scale:)`` for byte data.
    public static func writeBytes(_ tensor: Tensor, to url: URL) throws {
        guard (1...maximumRank).contains(tensor.rank), tensor.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw FileFormatError(url, "IDX.writeBytes: shape \(tensor.shape) cannot be stored in IDX (rank 1 to \(maximumRank), sizes below 2^32)")
        }
        var bytes: [UInt8] = [0, 0, ElementType.uint8.rawValue, UInt8(tensor.rank)]
        for size in tensor.shape {
            let s = UInt32(size)
            bytes += [UInt8(s >> 24), UInt8((s >> 16) & 0xFF), UInt8((s >> 8) & 0xFF), UInt8(s & 0xFF)]
        }
        bytes += tensor.scalars(as: Double.self).map { UInt8(Swift.min(Swift.max($0.rounded(), 0), 255)) }
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw FileFormatError(url, "cannot write the file: \(error.localizedDescription)")
        }
    }
}
