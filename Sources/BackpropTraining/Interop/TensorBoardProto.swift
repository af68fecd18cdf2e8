// The TensorBoard messages an event file holds (tensorflow/core/util/event.proto,
// framework/summary.proto, framework/tensor.proto; proto3), encoded in field order, and the
// TFRecord framing around each one.

/// A histogram as TensorBoard stores it (`HistogramProto`): summary statistics and bucket
/// counts, bucket `i` holding the values in `(bucketLimits[i-1], bucketLimits[i]]` (the first
/// bucket starts at `min`).
struct Histogram: Equatable {
    var min = 0.0, max = 0.0, count = 0.0, sum = 0.0, sumOfSquares = 0.0
    var bucketLimits: [Double] = [], bucketCounts: [Double] = []

    /// `bins` equal-width buckets from the smallest to the largest value, assigned exactly as
    /// `numpy.histogram(values, bins)` does (the last bucket includes its right edge).
    init(_ values: [Double], bins: Int) {
        guard let low = values.min(), let high = values.max() else { return }
        min = low; max = high; count = Double(values.count)
        sum = values.reduce(0, +); sumOfSquares = values.reduce(0) { $0 + $1 * $1 }
        // numpy widens an empty range to ±0.5 around the value.
        let (first, last) = low == high ? (low - 0.5, high + 0.5) : (low, high)
        let step = (last - first) / Double(bins)
        var edges = (0...bins).map { first + Double($0) * step }
        edges[bins] = last
        bucketLimits = Array(edges.dropFirst())
        bucketCounts = Array(repeating: 0, count: bins)
        let scale = Double(bins) / (last - first)
        for v in values {
            var i = Swift.min(Int((v - first) * scale), bins - 1)
            if v < edges[i] { i -= 1 } else if i < bins - 1, v >= edges[i + 1] { i += 1 }
            bucketCounts[i] += 1
        }
    }
}

enum TensorBoardProto {
    /// `Event { wall_time = 1; step = 2; file_version = 3 | summary = 5 }`.
    static func event(wallTime: Double, step: Int, fileVersion: String? = nil,
                      summary: ((inout ProtobufWriter) -> Void)? = nil) -> [UInt8] {
        var w = ProtobufWriter()
        w.double(1, wallTime)
        if step != 0 { w.int(2, step) }                       // proto3 leaves out zeros
        if let fileVersion { w.string(3, fileVersion) }
        if let summary { w.message(5) { s in s.message(1, summary) } }   // Summary { value = 1 }
        return w.bytes
    }

    /// `Summary.Value { tag = 1; simple_value = 2 }`.
    static func scalar(tag: String, _ value: Float) -> (inout ProtobufWriter) -> Void {
        { w in w.string(1, tag); w.float(2, value) }
    }

    /// `Summary.Value { tag = 1; histo = 5 }` with `HistogramProto { min = 1 ... bucket = 7 }`.
    static func histogram(tag: String, _ h: Histogram) -> (inout ProtobufWriter) -> Void {
        { w in
            w.string(1, tag)
            w.message(5) { p in
                p.double(1, h.min); p.double(2, h.max); p.double(3, h.count)
                p.double(4, h.sum); p.double(5, h.sumOfSquares)
                p.packedDoubles(6, h.bucketLimits); p.packedDoubles(7, h.bucketCounts)
            }
        }
    }

    /// `Summary.Value { tag = 1; tensor = 8; metadata = 9 }`: a scalar string tensor
    /// (`dtype = DT_STRING (7)`, empty `tensor_shape`, `string_val = 8`) for the text plugin.
    static func text(tag: String, _ text: String) -> (inout ProtobufWriter) -> Void {
        { w in
            w.string(1, tag)
            w.message(8) { t in t.int(1, 7); t.message(2) { _ in }; t.string(8, text) }
            w.message(9) { m in m.message(1) { plugin in plugin.string(1, "text") } }
        }
    }

    /// One TFRecord: the length (8 bytes, little-endian), its masked CRC32C, the data, the
    /// data's masked CRC32C. A reader that finds a short or corrupt last record stops there.
    static func record(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Array($0) }
        out += length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out += $0 }
        out += data
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out += $0 }
        return out
    }
}
