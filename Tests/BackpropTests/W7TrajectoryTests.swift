import Testing
import Backprop

/// W7's training semantics against PyTorch 2.15 in float64, step by step: W7's network and
/// initial parameters, W7's Adam, batches shuffled by SplitMix64(72) with a short last batch, on
/// 20 synthetic 28×28 images (no MNIST, no Python at test time). The reference numbers come
/// from `w7_trajectory_reference.py` beside this file. In float64 both sides round alike to
/// ~1e-16 and nine steps amplify that to ~1e-13 at most, so any difference of semantics (init
/// order, shuffle, gather order, the last batch, loss reduction, ReLU'(0), pooling, flatten
/// order, Adam's update) shows as a loss off by far more than the 1e-10 allowed here, at the
/// step where it enters. (The float32 epoch-1 loss of W7 on MNIST cannot test this: float32
/// rounding differences drift through 938 Adam steps, see docs/performance.md.)
@Suite struct W7TrajectoryTests {
    /// The reference run's batch losses, steps 1–9 (3 epochs of batches of 8, 8, 4).
    static let losses = [2.3205854152917933, 2.342812819138076, 2.3776441866198326, 2.3123932554390905,
                         2.3082357635937636, 2.29578172439007, 2.324589403970632, 2.279763196287174, 2.265000742603669]

    /// After step 9: `(Σ t, Σ c ⊙ t)` of each parameter, `c = (7i mod 11) - 5`.
    static let fingerprints: [(String, Double, Double)] = [
        ("0.weight", -1.0679282672850134, -2.0372401527195003),
        ("0.bias", -0.2187112428778718, -2.4782297032927443),
        ("3.weight", -16.800604024754215, 1.9767376148181204),
        ("3.bias", 0.14440491277067324, 0.7649097726934536),
        ("7.weight", -229.9235433993342, -17.837989962198304),
        ("7.bias", -0.057676769591328045, 0.19979677810329444),
        ("9.weight", -1.279372612782598, 0.32203274266751647),
        ("9.bias", 0.21951377023577875, 0.2318945425722191),
    ]

    /// `x[k, 0, r, c] = ((29r + 31c + 37k) mod 23) / 22` inside a box that depends on `k`, else 0
    /// (blank margins, as MNIST's, so pooling windows see ties and ReLU sees exact zeros).
    static func images(_ n: Int) -> Tensor {
        var values = [Double](repeating: 0, count: n * 28 * 28)
        for k in 0..<n {
            for r in (4 + k % 5)..<(20 + k % 7) {
                for c in (6 + k % 3)..<(22 + k % 4) { values[(k * 28 + r) * 28 + c] = Double((29 * r + 31 * c + 37 * k) % 23) / 22 }
            }
        }
        return Tensor(values, shape: [n, 1, 28, 28])
    }

    /// W7's network with W7's float32 initial parameters, widened to float64.
    static func network() -> Sequential {
        let model = W7CheckTests.network()
        for layer in model.layers {
            if let conv = layer as? Conv2d {
                conv.weight = widened(conv.weight)
                conv.bias = conv.bias.map(widened)
            } else if let linear = layer as? Linear {
                linear.weight = widened(linear.weight)
                linear.bias = linear.bias.map(widened)
            }
        }
        return model
    }

    static func widened(_ v: Variable) -> Variable { Variable(v.value.converted(to: .float64), requiresGrad: true) }

    @Test func nineAdamStepsInFloat64MatchPyTorch() {
        let model = Self.network()
        #expect(model.parameters.allSatisfy { $0.dtype == .float64 })
        let data = TensorDataset(inputs: Self.images(20), labels: (0..<20).map { $0 * 7 % 10 })
        let loader = DataLoader(data, batchSize: 8, shuffle: true, seed: 72)
        let optimizer = Adam(parameters: model.parameters, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8)
        var losses: [Double] = [], sizes: [Int] = []
        for _ in 0..<3 {
            for batch in loader {
                let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item(as: Double.self))
                sizes.append(batch.labels.count)
            }
        }
        #expect(sizes == [8, 8, 4, 8, 8, 4, 8, 8, 4])
        #expect(losses.count == Self.losses.count)
        for (step, (got, want)) in zip(losses, Self.losses).enumerated() {
            #expect(abs(got - want) <= 1e-10 * abs(want), "step \(step + 1): loss \(got), PyTorch \(want)")
        }
        let state = model.stateDict()
        let c = { (n: Int) in Tensor((0..<n).map { Double($0 * 7 % 11 - 5) }, shape: [n]) }
        for (name, sum, weighted) in Self.fingerprints {
            let flat = state[name]!.reshaped([-1])
            let got = (flat.sum().item(as: Double.self), (flat * c(flat.count)).sum().item(as: Double.self))
            #expect(abs(got.0 - sum) <= 1e-10 * max(1, abs(sum)), "\(name): Σ t = \(got.0), PyTorch \(sum)")
            #expect(abs(got.1 - weighted) <= 1e-10 * max(1, abs(weighted)), "\(name): Σ c⊙t = \(got.1), PyTorch \(weighted)")
        }
    }
}
