import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// The hand-written protobuf, CRC32C and TFRecord encoders against independent truth: the
/// CRC32C check values of RFC 3720 and the bytes the official Python protobuf classes (onnx,
/// tensorboard) produce for the same messages (Tests/Interop/protobuf_vectors.py prints them).
@Suite struct ProtobufEncodingTests {
    /// RFC 3720 appendix B.4 and the common "123456789" check value.
    @Test func crc32cMatchesPublishedTestVectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// Sequential(Linear(2 → 3), LeakyReLU(0.2), Linear(3 → 2, no bias)) exported whole.
    @Test func onnxModelBytesEqualPythonProtobufs() throws {
        var g = SplitMix64(seed: 1)
        let first = Linear(inputSize: 2, outputSize: 3, generator: &g)
        let last = Linear(inputSize: 3, outputSize: 2, bias: false, generator: &g)
        first.weight.value = Tensor((0..<6).map { Float($0) / 4 - 0.5 }, shape: [3, 2])
        first.bias!.value = Tensor([0.1, 0.2, 0.3] as [Float])
        last.weight.value = Tensor((0..<6).map { Float($0) / -8 }, shape: [2, 3])
        let bytes = try onnxModelBytes(Sequential(first, LeakyReLU(negativeSlope: 0.2), last), inputShape: [2])
        #expect(hex(bytes) == Reference.onnxModel.filter(\.isHexDigit))
    }

    /// Repeated int64 attributes, negative numbers (ten-byte varints) and two-byte varints.
    @Test func onnxIntListAttributeEqualsPython() {
        var w = ProtobufWriter()
        ONNXProto.attribute("pads", .ints([1, -2, 300]), into: &w)
        #expect(hex(w.bytes) == Reference.onnxAttributeInts.filter(\.isHexDigit))
    }

    @Test func tensorBoardEventsEqualPythonProtobufs() {
        #expect(hex(TensorBoardProto.event(wallTime: 1.5, step: 0, fileVersion: "brain.Event:2")) == Reference.eventFileVersion.filter(\.isHexDigit))
        let scalar = TensorBoardProto.event(wallTime: 2.25, step: 7, summary: TensorBoardProto.scalar(tag: "loss/train", 0.125))
        #expect(hex(scalar) == Reference.eventScalar.filter(\.isHexDigit))
        // The buckets are numpy.histogram's for the same values.
        let histogram = Histogram([-1, 0, 0.5, 2, 2], bins: 3)
        #expect(histogram.bucketCounts == [1, 2, 2])
        #expect(hex(TensorBoardProto.event(wallTime: 3, step: 300, summary: TensorBoardProto.histogram(tag: "weights/0.weight", histogram)))
                == Reference.eventHistogram.filter(\.isHexDigit))
        #expect(hex(TensorBoardProto.event(wallTime: 4, step: 1, summary: TensorBoardProto.text(tag: "config", "lr = 0.002 ✓")))
                == Reference.eventText.filter(\.isHexDigit))
        #expect(hex(TensorBoardProto.record(scalar)) == Reference.recordScalar.filter(\.isHexDigit))
    }

    /// A value equal to the maximum lands in the last bucket, one equal to an inner edge in the
    /// bucket to its right, and a constant tensor gets numpy's range of ±0.5.
    @Test func histogramBucketsFollowNumpy() {
        let h = Histogram([0, 1, 2, 3, 4], bins: 4)
        #expect(h.bucketLimits == [1, 2, 3, 4])
        #expect(h.bucketCounts == [1, 1, 1, 2])   // numpy.histogram([0, 1, 2, 3, 4], bins=4)
        let constant = Histogram([2, 2, 2], bins: 2)
        #expect(constant.bucketLimits == [2, 2.5])
        #expect(constant.bucketCounts == [0, 3])  // numpy.histogram([2, 2, 2], bins=2)
        #expect(constant.min == 2 && constant.max == 2 && constant.count == 3 && constant.sumOfSquares == 12)
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Output of `python3 Tests/Interop/protobuf_vectors.py` (protobuf 7.36, onnx 1.2x, tensorboard 2.21);
    /// line breaks are only for reading.
    private enum Reference {
        static let onnxModel = """
            080812084261636b70726f703aa4030a490a05696e7075740a08302e7765696768740a06302e6269617312102f302f47
            656d6d5f6f75747075745f301a072f302f47656d6d220447656d6d2a0d0a067472616e73421801a001020a530a102f30
            2f47656d6d5f6f75747075745f3012152f312f4c65616b7952656c755f6f75747075745f301a0c2f312f4c65616b7952
            656c7522094c65616b7952656c752a0f0a05616c70686115cdcc4c3ea001010a470a152f312f4c65616b7952656c755f
            6f75747075745f300a08322e77656967687412066f75747075741a072f322f47656d6d220447656d6d2a0d0a06747261
            6e73421801a0010212086261636b70726f702a2a0803080210014208302e7765696768744a18000000bf000080be0000
            00000000803e0000003f0000403f2a1a080310014206302e626961734a0ccdcccc3dcdcc4c3e9a99993e2a2a08020803
            10014208322e7765696768744a1800000080000000be000080be0000c0be000000bf000020bf5a1c0a05696e70757412
            130a110801120d0a07120562617463680a020802621d0a066f757470757412130a110801120d0a07120562617463680a
            02080242021011
            """
        static let onnxAttributeInts = "0a0470616473400140feffffffffffffffff0140ac02a00107"
        static let eventFileVersion = "09000000000000f83f1a0d627261696e2e4576656e743a32"
        static let eventScalar = "09000000000000024010072a130a110a0a6c6f73732f747261696e150000003e"
        static let eventHistogram = """
            09000000000000084010ac022a770a750a10776569676874732f302e7765696768742a6109000000000000f0bf110000
            000000000040190000000000001440210000000000000c40290000000000802240321800000000000000000000000000
            00f03f00000000000000403a18000000000000f03f00000000000000400000000000000040
            """
        static let eventText = """
            09000000000000104010012a2a0a280a06636f6e666967421408071200420e6c72203d20302e30303220e29c934a080a
            060a0474657874
            """
        static let recordScalar = "200000000000000029eda95009000000000000024010072a130a110a0a6c6f73732f747261696e150000003eb35622ba"
    }
}
