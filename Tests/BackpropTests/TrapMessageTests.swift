import Testing
import Backprop

/// Sizes and counts computed from user input end with a library message, never a bare Swift
/// runtime trap (Double-to-Int conversion, integer overflow, failed allocation), which prints
/// nothing when the backtracer is off. Each ran into such a trap before.
@Suite struct TrapMessageTests {
    static func message(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func arangeWithANaNStep() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.arange(0, 10, step: .nan)
        }
        #expect(Self.message(result).contains("arange: start 0.0, end 10.0 and step nan must be finite and step non-zero"))
    }

    @Test func arangeToInfinity() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.arange(0, .infinity)
        }
        #expect(Self.message(result).contains("arange: start 0.0, end inf and step 1.0 must be finite"))
    }

    @Test func arangeWithMoreElementsThanAnInt() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.arange(0, 1e19)
        }
        #expect(Self.message(result).contains("arange: [0.0, 1e+19) in steps of 1.0 has 1e+19 elements, more than a tensor can hold"))
    }

    @Test func zerosWhoseByteCountOverflows() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([1 << 62])
        }
        #expect(Self.message(result).contains("Tensor: shape [4611686018427387904] has 4611686018427387904 elements of 4 bytes, more bytes than fit in an Int"))
    }

    @Test func zerosLargerThanMemory() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([1 << 50])   // 4 PiB
        }
        #expect(Self.message(result).contains("Tensor: cannot allocate 4503599627370496 bytes"))
    }

    /// A batch larger than the data set is one batch of everything (as in PyTorch), even at Int.max.
    @Test func dataLoaderWithTheLargestBatchSize() {
        let data = TensorDataset(inputs: Tensor.zeros([5, 2]), labels: [0, 1, 0, 1, 1])
        for dropLast in [false, true] {
            let loader = DataLoader(data, batchSize: .max, shuffle: true, dropLast: dropLast)
            #expect(loader.batchCount == (dropLast ? 0 : 1))
            #expect(Array(loader).map(\.count) == (dropLast ? [] : [5]))
        }
    }
}
