import Testing
import Backprop

/// What a user sees on misuse: a message naming the operation and the values. These run in
/// child processes (exit tests), so they check the real message in debug and release builds.
@Suite struct ErrorMessageTests {
    @Test func shapeMismatchNamesOperationAndShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2, 3]) + Tensor.ones([4])
        } .map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("add: shapes [2, 3] and [4] cannot be broadcast"))
        }
    }

    @Test func matmulMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = Variable(Tensor.ones([2, 3])), b = Variable(Tensor.ones([4, 5]))
            _ = a.matmul(b)
        } .map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("matmul: shapes [2, 3] and [4, 5] are not aligned"))
        }
    }

    @Test func badAxisNamesAxisAndRank() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2, 3]).sum(axes: [2])
        } .map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("sum: axis 2 is out of range for a tensor of rank 2"))
        }
    }

    @Test func backwardOnNonScalarWithoutGradient() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Variable(Tensor.ones([3]), requiresGrad: true)
            (x * 2).backward()
        } .map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("backward() without a gradient needs a scalar"))
        }
    }

    @Test func backwardTwiceThroughFreedGraph() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Variable(Tensor.ones([3]), requiresGrad: true)
            let y = (x * x).sum()
            y.backward()
            y.backward()
        } .map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("already freed by an earlier backward pass"))
        }
    }

    @Test func anomalyDetectionNamesTheOperation() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Variable(Tensor([1, 0] as [Float]), requiresGrad: true)
            withAnomalyDetection {
                let y = (x.sqrt() * 0).sum()   // forward finite; backward 0 · 1/(2·0) = NaN
                y.backward()
            }
        } .map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Anomaly: backward of 'sqrt' produced NaN"))
        }
    }
}
