import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Loss values and input gradients against numbers computed once with PyTorch 2.15 in float64:
/// for each reduction `r`, `out = F.<loss>(x, y, reduction=r, ...)` (same inputs and options as
/// the Swift call below), then `(out.sum() if r == "none" else out).backward()`, printing
/// `out` and `x.grad` with 12 significant digits. Gradients also against central finite
/// differences (`GradientCheck`).
@Suite struct LossTests {
    static let prediction: [Double] = [0.5, -1.0, 2.0, 1.5, 0.3, -0.7]
    static let target: [Double] = [0.0, -0.2, 1.0, 2.5, 0.1, -0.7]

    /// Runs `loss` on float64 copies of `input`, returns its values and the gradient of
    /// (the sum of) the loss with respect to `input`.
    func evaluate(_ input: [Double], shape: [Int], _ loss: (Variable) -> Variable) -> (value: [Double], grad: [Double]) {
        let x = Variable(Tensor(input, shape: shape), requiresGrad: true)
        let out = loss(x)
        (out.value.count == 1 ? out : out.sum()).backward()
        return (out.value.scalars(as: Double.self), x.grad!.scalars(as: Double.self))
    }

    func expectClose(_ a: [Double], _ b: [Double], rtol: Double = 1e-9, atol: Double = 1e-9,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, "counts \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
        for (x, y) in zip(a, b) where !(abs(x - y) <= atol + rtol * abs(y)) {
            Issue.record("\(a) differs from expected \(b) at \(x) vs \(y)", sourceLocation: sourceLocation)
            return
        }
    }

    typealias Case = (reduction: Reduction, value: [Double], grad: [Double])

    func check(_ cases: [Case], input: [Double], shape: [Int], _ loss: (Variable, Reduction) -> Variable,
               sourceLocation: SourceLocation = #_sourceLocation) {
        for c in cases {
            let (value, grad) = evaluate(input, shape: shape) { loss($0, c.reduction) }
            expectClose(value, c.value, sourceLocation: sourceLocation)
            expectClose(grad, c.grad, sourceLocation: sourceLocation)
        }
    }

    @Test func regressionLossesMatchPyTorch() {
        let y = Tensor(Self.target, shape: [2, 3])
        check([(.mean, [0.488333333333], [0.166666666667, -0.266666666667, 0.333333333333, -0.333333333333, 0.0666666666667, 0]),
               (.sum, [2.93], [1, -1.6, 2, -2, 0.4, 0]),
               (.none, [0.25, 0.64, 1, 1, 0.04, 0], [1, -1.6, 2, -2, 0.4, 0])],
              input: Self.prediction, shape: [2, 3]) { mseLoss($0, y, reduction: $1) }
        check([(.mean, [0.583333333333], [1, -1, 1, -1, 1, 0].map { $0 / 6 }),
               (.sum, [3.5], [1, -1, 1, -1, 1, 0]),
               (.none, [0.5, 0.8, 1, 1, 0.2, 0], [1, -1, 1, -1, 1, 0])],
              input: Self.prediction, shape: [2, 3]) { l1Loss($0, y, reduction: $1) }
        check([(.mean, [0.195], [0.0833333333333, -0.0833333333333, 0.0833333333333, -0.0833333333333, 0.0333333333333, 0]),
               (.sum, [1.17], [0.5, -0.5, 0.5, -0.5, 0.2, 0]),
               (.none, [0.125, 0.275, 0.375, 0.375, 0.02, 0], [0.5, -0.5, 0.5, -0.5, 0.2, 0])],
              input: Self.prediction, shape: [2, 3]) { huberLoss($0, y, delta: 0.5, reduction: $1) }
        check([(.mean, [0.39], [0.166666666667, -0.166666666667, 0.166666666667, -0.166666666667, 0.0666666666667, 0]),
               (.sum, [2.34], [1, -1, 1, -1, 0.4, 0]),
               (.none, [0.25, 0.55, 0.75, 0.75, 0.04, 0], [1, -1, 1, -1, 0.4, 0])],
              input: Self.prediction, shape: [2, 3]) { smoothL1Loss($0, y, beta: 0.5, reduction: $1) }
    }

    @Test func binaryCrossEntropyClampsLogAtMinus100() {
        // p = 0 and p = 1 exactly: the clamped log gives a loss of 100 and a finite gradient.
        let y = Tensor([1.0, 0.0, 0.2, 1.0, 0.0] as [Double])
        check([(.mean, [40.1262990063], [-200000000799, 200000000799, 0.0952380952381, -0.222222222222, 0]),
               (.sum, [200.631495032], [-1.000000004e12, 1.000000004e12, 0.47619047619, -1.11111111111, 0]),
               (.none, [100, 100, 0.526134516016, 0.105360515658, 0],
                [-1.000000004e12, 1.000000004e12, 0.47619047619, -1.11111111111, 0])],
              input: [0.0, 1.0, 0.3, 0.9, 0.0], shape: [5]) { binaryCrossEntropy($0, y, reduction: $1) }
    }

    @Test func binaryCrossEntropyWithLogitsIsStableForHugeLogits() {
        let y = Tensor([0.0, 1.0, 0.5, 0.0, 0.0] as [Double])
        check([(.mean, [2001.26412485], [0, -0.190514825364, 0, 0.184828363996, 0.2]),
               (.sum, [10006.3206243], [0, -0.952574126822, 0, 0.924141819979, 1]),
               (.none, [0, 3.04858735157, 0.69314718056, 2.57888973429, 10000], [0, -0.952574126822, 0, 0.924141819979, 1])],
              input: [-1e4, -3.0, 0.0, 2.5, 1e4], shape: [5]) { binaryCrossEntropyWithLogits($0, y, reduction: $1) }
    }

    @Test func binaryCrossEntropyWithLogitsPositiveWeightMatchesPyTorch() {
        let x: [Double] = [-1e4, -3.0, 0.0, 2.5, 1e4, 0.7]
        let y = Tensor([0.0, 1.0, 0.5, 0.0, 1.0, 0.3] as [Double], shape: [2, 3]), weight = Tensor([2.0, 0.5, 3.0] as [Double])
        check([(.mean, [1.10409590824], [0, -0.0793811772352, -0.0833333333333, 0.154023636663, 0, 0.0281834059115]),
               (.none, [0, 1.52429367579, 1.38629436112, 2.57888973429, 0, 1.13509767822],
                [0, -0.476287063411, -0.5, 0.924141819979, 0, 0.169100435469])],
              input: x, shape: [2, 3]) { binaryCrossEntropyWithLogits($0, y, positiveWeight: weight, reduction: $1) }
        let targets = Variable(y, requiresGrad: true)
        binaryCrossEntropyWithLogits(Variable(Tensor(x, shape: [2, 3])), targets, positiveWeight: weight, reduction: .sum).backward()
        expectClose(targets.grad!.scalars(as: Double.self),
                    [20000, 1.47570632421, 1.38629436112, -2.42111026571, -10000, 0.106372097771])
    }

    static let logits: [Double] = [1.0, 2.0, 0.5, -1.0, 1e4, -1e4, 0.0, 5e3, 0.3, 0.3, 0.3, 0.3]

    @Test func crossEntropyWithClassesMatchesPyTorch() {
        check([(.mean, [0.627158753069], [0.0747359393494, -0.130179987467, 0.0453296385978, 0.0101144095198, 0, 0, 0, 0,
                                          0.0833333333333, 0.0833333333333, 0.0833333333333, -0.25]),
               (.sum, [1.88147625921], [0.224207818048, -0.390539962401, 0.135988915794, 0.0303432285594, 0, 0, 0, 0,
                                        0.25, 0.25, 0.25, -0.75]),
               (.none, [0.495181898086, 0, 1.38629436112], [0.224207818048, -0.390539962401, 0.135988915794, 0.0303432285594,
                                                            0, 0, 0, 0, 0.25, 0.25, 0.25, -0.75])],
              input: Self.logits, shape: [3, 4]) { crossEntropy($0, classes: [1, 0, 3], reduction: $1) }
        check([(.mean, [3292.33965875], [0.0664026060161, -0.105179987467, 0.0369963052645, 0.00178107618647, 0.325,
                                         -0.00833333333333, -0.308333333333, -0.00833333333333, 0.075, 0.075, 0.075, -0.225]),
               (.none, [0.632681898086, 9875, 1.38629436112], [0.199207818048, -0.315539962401, 0.110988915794, 0.00534322855942,
                                                               0.975, -0.025, -0.925, -0.025, 0.225, 0.225, 0.225, -0.675])],
              input: Self.logits, shape: [3, 4]) { crossEntropy($0, classes: [1, 2, 3], labelSmoothing: 0.1, reduction: $1) }
    }

    @Test func weightedCrossEntropyWithIgnoredTargetsMatchesPyTorch() {
        // PyTorch: weight [0.5, 2, 1, 3], targets [1, -100, 3, 2] with ignore_index=-100.
        let x = Self.logits + [0.2, -0.4, 1.1, 0.0]
        let weight = Tensor([0.5, 2.0, 1.0, 3.0] as [Double])
        check([(.mean, [0.970583696462], [0.0747359393494, -0.130179987467, 0.0453296385978, 0.0101144095198, 0, 0, 0, 0,
                                          0.125, 0.125, 0.125, -0.375, 0.0345269614631, 0.0189487982099, -0.0817440448332,
                                          0.0282682851602]),
               (.none, [0.990363796172, 0, 4.15888308336, 0.674255299238],
                [0.448415636096, -0.781079924802, 0.271977831587, 0.0606864571188, 0, 0, 0, 0, 0.75, 0.75, 0.75, -2.25,
                 0.207161768779, 0.11369278926, -0.490464268999, 0.169609710961])],
              input: x, shape: [4, 4]) { crossEntropy($0, classes: [1, -100, 3, 2], weight: weight, ignoreIndex: -100, reduction: $1) }
        check([(.mean, [1.01670138986], [0.0712513071533, -0.108989112702, 0.0403130412075, -0.00257523565869, 0, 0, 0, 0,
                                         0.1171875, 0.1109375, 0.115104166667, -0.343229166667, 0.0346015632212,
                                         0.0117997647647, -0.0639363809686, 0.0175350529827]),
               (.sum, [6.10020833914], [0.42750784292, -0.653934676212, 0.241878247245, -0.0154514139521, 0, 0, 0, 0,
                                        0.703125, 0.665625, 0.690625, -2.059375, 0.207609379327, 0.0707985885883,
                                        -0.383618285812, 0.105210317896])],
              input: x, shape: [4, 4]) {
            crossEntropy($0, classes: [1, -100, 3, 2], labelSmoothing: 0.1, weight: weight, ignoreIndex: -100, reduction: $1)
        }
    }

    @Test func crossEntropyWithProbabilitiesMatchesPyTorch() {
        let probabilities = Tensor([0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0, 0.25, 0.25, 0.25, 0.25] as [Double], shape: [3, 4])
        check([(.mean, [3251.18549209], [0.0314026060161, 0.133153345866, -0.0513370280688, -0.113218923814, 0.316666666667,
                                         -0.0166666666667, -0.283333333333, -0.0166666666667, 0, 0, 0, 0]),
               (.sum, [9753.55647626], [0.0942078180482, 0.399460037599, -0.154011084206, -0.339656771441, 0.95, -0.05, -0.85,
                                        -0.05, 0, 0, 0, 0]),
               (.none, [2.17018189809, 9750, 1.38629436112], [0.0942078180482, 0.399460037599, -0.154011084206, -0.339656771441,
                                                              0.95, -0.05, -0.85, -0.05, 0, 0, 0, 0])],
              input: Self.logits, shape: [3, 4]) {
            crossEntropy($0, probabilities: probabilities, labelSmoothing: 0.2, reduction: $1)
        }
    }

    @Test func crossEntropyIsFiniteForHugeLogitsInFloat32() {
        let x = Variable(Tensor([Float(1e4), -1e4, 0, 5e3], shape: [1, 4]), requiresGrad: true)
        let loss = crossEntropy(x, classes: [2])
        loss.backward()
        #expect(abs(loss.item(as: Double.self) - 1e4) < 1e-2)
        #expect(x.grad!.isFinite)
    }

    @Test func nllAndKLDivergenceMatchPyTorch() {
        let logProbabilities: [Double] = [-1.2, -0.5, -2.0, -0.1, -3.0, -2.5]
        check([(.mean, [1.05], [0, 0, -0.5, -0.5, 0, 0]), (.sum, [2.1], [0, 0, -1, -1, 0, 0]),
               (.none, [2, 0.1], [0, 0, -1, -1, 0, 0])],
              input: logProbabilities, shape: [2, 3]) { nllLoss($0, classes: [2, 0], reduction: $1) }
        let target = Tensor([0.2, 0.8, 0.0, 0.5, 0.25, 0.25] as [Double], shape: [2, 3])
        check([(.mean, [0.0874794676036], [-0.2, -0.8, 0, -0.5, -0.25, -0.25].map { $0 / 6 }),
               (.sum, [0.524876805622], [-0.2, -0.8, 0, -0.5, -0.25, -0.25]),
               (.none, [-0.0818875824868, 0.221485158949, 0, -0.29657359028, 0.40342640972, 0.27842640972],
                [-0.2, -0.8, 0, -0.5, -0.25, -0.25]),
               (.batchMean, [0.262438402811], [-0.1, -0.4, 0, -0.25, -0.125, -0.125])],
              input: logProbabilities, shape: [2, 3]) { klDivergence($0, target, reduction: $1) }
    }

    @Test func nllOfLogSoftmaxEqualsCrossEntropy() {
        let x = Variable(Tensor([0.3, -1.0, 2.0, 0.7, 0.1, -0.4] as [Double], shape: [2, 3]))
        let a = nllLoss(x.logSoftmax(axis: 1), classes: [1, 2]).item(as: Double.self)
        let b = crossEntropy(x, classes: [1, 2]).item(as: Double.self)
        #expect(abs(a - b) < 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var g = SplitMix64(seed: 7)
        let a = Tensor.uniform([3, 4], low: -2, high: 2, dtype: .float64, generator: &g)
        let b = Tensor.uniform([3, 4], low: -2, high: 2, dtype: .float64, generator: &g)
        let p = Tensor.uniform([3, 4], low: 0.05, high: 0.95, dtype: .float64, generator: &g)
        let q = Tensor.uniform([3, 4], low: 0, high: 1, dtype: .float64, generator: &g)
        let distribution = q / q.sum(axes: [1], keepDims: true)
        let checks: [(String, [Tensor], ([Variable]) -> Variable)] = [
            ("mse", [a, b], { mseLoss($0[0], $0[1]) }),
            ("l1", [a, b], { l1Loss($0[0], $0[1], reduction: .sum) }),
            ("huber", [a, b], { huberLoss($0[0], $0[1], delta: 0.7, reduction: .none) }),
            ("smoothL1", [a, b], { smoothL1Loss($0[0], $0[1], beta: 0.7) }),
            ("bce", [p, q], { binaryCrossEntropy($0[0], $0[1], reduction: .none) }),
            ("bceLogits", [a, q], { binaryCrossEntropyWithLogits($0[0], $0[1]) }),
            ("bceLogitsWeighted", [a, q], {
                binaryCrossEntropyWithLogits($0[0], $0[1], positiveWeight: Tensor([0.5, 2, 1, 3] as [Double]), reduction: .none)
            }),
            ("ce", [a], { crossEntropy($0[0], classes: [3, 0, 1], labelSmoothing: 0.15, reduction: .none) }),
            ("ceProbabilities", [a], { crossEntropy($0[0], probabilities: distribution, labelSmoothing: 0.1) }),
            ("nll", [a], { nllLoss($0[0], classes: [2, 2, 0], reduction: .sum) }),
            ("kl", [a, distribution], { klDivergence($0[0], $0[1], reduction: .batchMean) }),
            ("klLogTarget", [a, b], { klDivergence($0[0], $0[1], reduction: .sum, logTarget: true) }),
        ]
        for (name, inputs, f) in checks {
            let result = GradientCheck.run(inputs: inputs, f)
            #expect(result.passed, "\(name): \(result)")
        }
    }

    @Test func fusedCrossEntropyHasSecondDerivatives() {
        var g = SplitMix64(seed: 3)
        let a = Tensor.uniform([2, 3], low: -2, high: 2, dtype: .float64, generator: &g)
        let result = GradientCheck.runSecondOrder(inputs: [a]) { crossEntropy($0[0], classes: [2, 0], labelSmoothing: 0.1) }
        #expect(result.passed, "\(result)")
        let logits = GradientCheck.runSecondOrder(inputs: [a, a * 0.3]) {
            binaryCrossEntropyWithLogits($0[0], $0[1].sigmoid())
        }
        #expect(logits.passed, "\(logits)")
    }

    @Test func shapeMismatchStopsWithAClearMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = mseLoss(Variable(Tensor.zeros([4, 1])), Tensor.zeros([4]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("mseLoss: prediction shape [4, 1] and target shape [4] differ"))
        }
    }
}
