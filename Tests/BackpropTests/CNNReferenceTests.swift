import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd

/// Convolution, pooling, GroupNorm and BatchNorm2d against PyTorch 2.15 in float64, computed by
/// `cnn_reference.py` beside this file: each case builds its inputs from an integer pattern
/// (exact in Double, so both sides hold the same numbers), computes `y = f(inputs)` and
/// `L = Σ c ⊙ y` with fixed weights `c`, and compares two fingerprints, `(Σ c ⊙ t, Σ t²)`,
/// of `y` and of each input's gradient. Max-pooling runs on integer inputs full of ties.
@Suite struct CNNReferenceTests {
    /// `((37i + 11·seed) mod m - ⌊m/2⌋) / scale` for flat index `i`, as `pattern` in the script.
    static func pattern(_ shape: [Int], seed: Int, modulus: Int = 17, scale: Double = 8) -> Tensor {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { i in Double((i * 37 + seed * 11) % modulus - modulus / 2) / scale }
        return Tensor(values, shape: shape)
    }

    /// `(7i mod 11) - 5`, as `weights` in the script.
    static func weights(_ count: Int) -> Tensor { Tensor((0..<count).map { Double($0 * 7 % 11 - 5) }, shape: [count]) }

    static func fingerprint(_ t: Tensor) -> [Double] {
        let flat = t.reshaped([-1])
        return [(flat * weights(t.count)).sum().item(as: Double.self), (flat * flat).sum().item(as: Double.self)]
    }

    /// The operation of each case, written as the script writes it.
    static func operation(_ name: String, _ v: [Variable]) -> Variable {
        switch name {
        case "conv": return v[0].conv2d(v[1], bias: v[2])
        case "convStridePadDilationGroups":
            return v[0].conv2d(v[1], bias: v[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2)
        case "convDepthwise": return v[0].conv2d(v[1], stride: 2, padding: 1, groups: 3)
        case "convSameEvenKernel": return v[0].conv2d(v[1], padding: .same, dilation: [1, 2])
        case "convOneByOneStride3": return v[0].conv2d(v[1], bias: v[2], stride: 3)
        case "maxPool": return v[0].maxPool2d(kernelSize: 2)
        case "maxPoolPadCeil": return v[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        case "maxPoolRect": return v[0].maxPool2d(kernelSize: [2, 3], stride: [3, 1], padding: [1, 0])
        case "avgPoolPadCeil": return v[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        case "avgPoolPadCeilExcludePad":
            return v[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
        case "avgPoolRect": return v[0].avgPool2d(kernelSize: [2, 3], stride: [1, 2])
        case "adaptiveAvgPool": return v[0].adaptiveAvgPool2d(outputSize: [3, 4])
        case "adaptiveAvgPoolGlobal": return v[0].adaptiveAvgPool2d(outputSize: 1)
        case "adaptiveAvgPoolUpsample": return v[0].adaptiveAvgPool2d(outputSize: [5, 7])
        case "groupNorm":
            let norm = GroupNorm(groups: 3, channels: 6, dtype: .float64)
            (norm.weight, norm.bias) = (v[1], v[2])
            return norm(v[0])
        case "batchNorm2dTraining": return trainedBatchNorm(v).output
        default: fatalError("no case \(name)")
        }
    }

    /// BatchNorm2d in training mode on `x`, then on a second batch `2x + 1`.
    static func trainedBatchNorm(_ v: [Variable]) -> (output: Variable, layer: BatchNorm2d) {
        let bn = BatchNorm2d(features: v[0].shape[1], dtype: .float64)
        (bn.weight, bn.bias) = (v[1], v[2])
        let y = bn(v[0])
        _ = withNoGrad { bn(v[0] * 2 + 1) }
        return (y, bn)
    }

    /// Printed by `cnn_reference.py`: name, output shape, fingerprints of y and of each gradient.
    static let references: [(String, [Int], [[Double]])] = [
        ("conv", [2, 4, 5, 5], [[30.453125, 281.975341796875], [-103.625, 19605.390625], [-287.75, 12286.28125], [-23.0, 75.0]]),
        ("convStridePadDilationGroups", [2, 6, 5, 8], [[-13.96875, 1458.915771484375], [306.875, 19812.5625], [32.875, 9674.703125], [-112.0, 398.0]]),
        ("convDepthwise", [1, 6, 3, 4], [[34.6875, 44.4638671875], [206.375, 1761.796875], [-44.375, 3824.421875]]),
        ("convSameEvenKernel", [1, 3, 5, 6], [[32.8125, 73.668701171875], [33.625, 1956.96875], [-193.875, 4438.953125]]),
        ("convOneByOneStride3", [2, 3, 3, 3], [[-13.09375, 80.85302734375], [-9.75, 837.109375], [154.125, 732.796875], [38.0, 105.0]]),
        ("maxPool", [2, 3, 3, 4], [[-8.0, 201.0], [-9.0, 728.0]]),
        ("maxPoolPadCeil", [2, 3, 4, 5], [[5.0, 411.0], [-1.0, 1015.0]]),
        ("maxPoolRect", [1, 2, 3, 5], [[10.0, 108.0], [15.0, 188.0]]),
        ("avgPoolPadCeil", [2, 3, 4, 5], [[-2.125000000000001, 1.3387345679012346], [8.11111111111111, 70.33333333333334]]),
        ("avgPoolPadCeilExcludePad", [2, 3, 4, 5], [[-0.3993055555555549, 2.8273292824074074], [13.583333333333329, 152.8179012345679]]),
        ("avgPoolRect", [1, 2, 7, 3], [[3.562499999999999, 2.5086805555555554], [19.33333333333333, 78.55555555555554]]),
        ("adaptiveAvgPool", [2, 3, 3, 4], [[-1.125, 1.0900848765432098], [0.3333333333333308, 52.790123456790134]]),
        ("adaptiveAvgPoolGlobal", [2, 3, 1, 1], [[0.00992063492063492, 0.0009212018140589567], [0.3650793650793654, 1.0793650793650793]]),
        ("adaptiveAvgPoolUpsample", [1, 2, 5, 7], [[2.65625, 16.8837890625], [31.75, 165.25]]),
        ("groupNorm", [2, 6, 3, 5], [[-47.13841039802793, 136.97368904431147], [-425.8958408539512, 1698.7274043587327], [-120.98995849843205, 2226.1900630829373], [94.0, 390.0]]),
        ("batchNorm2dTraining", [3, 4, 5, 2], [[-16.534936783995217, 76.40553360157118], [395.7331415818892, 706.3348306295894], [-138.72074872304594, 542.2886805959364], [-35.0, 85.0]]),
    ]

    static let ties: Set<String> = ["maxPool", "maxPoolPadCeil", "maxPoolRect"]

    @Test func matchesPyTorch() {
        for (name, shape, expected) in Self.references {
            // The input shapes are the gradients' shapes, which the fingerprints do not carry.
            let inputShapes = Self.inputShapes[name]!
            let inputs = inputShapes.enumerated().map { k, s in
                Variable(Self.ties.contains(name) ? Self.pattern(s, seed: k + 1, modulus: 5, scale: 1) : Self.pattern(s, seed: k + 1),
                         requiresGrad: true)
            }
            let y = Self.operation(name, inputs)
            #expect(y.shape == shape, "\(name): shape")
            (y.reshaped([-1]) * Variable(Self.weights(y.value.count))).sum().backward()
            let got = [Self.fingerprint(y.value)] + inputs.map { Self.fingerprint($0.grad!) }
            for (which, (a, b)) in zip(got, expected).enumerated() {
                for (u, v) in zip(a, b) {
                    #expect(abs(u - v) <= 1e-10 * max(1, abs(v)), "\(name), fingerprint \(which): \(a) vs PyTorch \(b)")
                }
            }
        }
    }

    static let inputShapes: [String: [[Int]]] = [
        "conv": [[2, 3, 7, 6], [4, 3, 3, 2], [4]], "convStridePadDilationGroups": [[2, 4, 9, 8], [6, 2, 3, 3], [6]],
        "convDepthwise": [[1, 3, 6, 7], [6, 1, 3, 3]], "convSameEvenKernel": [[1, 2, 5, 6], [3, 2, 4, 2]],
        "convOneByOneStride3": [[2, 5, 8, 7], [3, 5, 1, 1], [3]],
        "maxPool": [[2, 3, 7, 9]], "maxPoolPadCeil": [[2, 3, 7, 9]], "maxPoolRect": [[1, 2, 8, 7]],
        "avgPoolPadCeil": [[2, 3, 7, 9]], "avgPoolPadCeilExcludePad": [[2, 3, 7, 9]], "avgPoolRect": [[1, 2, 8, 7]],
        "adaptiveAvgPool": [[2, 3, 7, 9]], "adaptiveAvgPoolGlobal": [[2, 3, 7, 9]], "adaptiveAvgPoolUpsample": [[1, 2, 3, 5]],
        "groupNorm": [[2, 6, 3, 5], [6], [6]], "batchNorm2dTraining": [[3, 4, 5, 2], [4], [4]],
    ]

    @Test func batchNorm2dRunningStatisticsAndEvaluationMatchPyTorch() {
        let inputs = [Self.pattern([3, 4, 5, 2], seed: 1), Self.pattern([4], seed: 2), Self.pattern([4], seed: 3)].map { Variable($0) }
        let bn = Self.trainedBatchNorm(inputs).layer
        let mean = [0.09758333333333333, 0.11691666666666668, 0.11570833333333334, 0.07341666666666666]
        let variance = [1.0238117816091956, 1.0094497126436783, 0.9677099497126437, 0.9879066091954023]
        for (a, b) in zip(bn.runningMean.value.scalars(as: Double.self) + bn.runningVar.value.scalars(as: Double.self), mean + variance) {
            #expect(abs(a - b) <= 1e-12, "running statistics \(a) vs PyTorch \(b)")
        }
        #expect(bn.numBatchesTracked == 2)
        bn.eval()
        let evaluated = Self.fingerprint(bn(inputs[0]).value)
        for (a, b) in zip(evaluated, [-10.930907851464227, 63.594624149256305]) { #expect(abs(a - b) <= 1e-10 * abs(b), "eval") }
        #expect(bn.stateDict().keys.sorted() == ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"])
    }
}
