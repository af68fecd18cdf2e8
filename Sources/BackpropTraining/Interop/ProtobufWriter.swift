// The part of Protocol Buffers' wire format that ONNX models and TensorBoard event files need,
// written by hand (https://protobuf.dev/programming-guides/encoding/). A message is a sequence
// of fields, each a key `fieldNumber << 3 | wireType` followed by the value: a varint (wire
// type 0), 8 little-endian bytes (1), a length-prefixed byte string or nested message (2), or
// 4 little-endian bytes (5). Callers write fields in field-number order, as the reference
// implementations do, so that equal messages give equal bytes.

/// Appends protobuf-encoded fields to a byte array.
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// The four wire types used here.
    enum WireType: UInt64 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    /// Base-128 groups, least significant first; the high bit says "more follows".
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func appendKey(_ field: Int, _ type: WireType) {
        appendVarint(UInt64(field) << 3 | type.rawValue)
    }

    /// An `int32`, `int64` or enum field; negative numbers take ten bytes (two's complement).
    mutating func int(_ field: Int, _ value: Int) {
        appendKey(field, .varint)
        appendVarint(UInt64(bitPattern: Int64(value)))
    }

    /// A `double` field.
    mutating func double(_ field: Int, _ value: Double) {
        appendKey(field, .fixed64)
        appendLittleEndian(value.bitPattern)
    }

    /// A `float` field.
    mutating func float(_ field: Int, _ value: Float) {
        appendKey(field, .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A `bytes` field.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        appendKey(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    /// A `string` field (UTF-8).
    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    /// A nested message field, encoded by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytes(field, inner.bytes)
    }

    /// A packed `repeated double` field (the proto3 default for repeated numbers).
    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        var inner = ProtobufWriter()
        for v in values { inner.appendLittleEndian(v.bitPattern) }
        bytes(field, inner.bytes)
    }

    private mutating func appendLittleEndian<I: FixedWidthInteger>(_ value: I) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
