import Foundation
import Testing
@testable import Backprop

/// The optimizer contract (``OptimizerBase``): the fused float32 kernels equal the readable
/// rules bit for bit, states are checked against their parameters, every way a
/// hyper-parameter comes in is validated, and groups keep options of their own.
@Suite struct OptimizerContractTests {
    /// Configurations that reach every branch of every fused kernel (Adam's C kernel among them).
    static let configurations: [(String, @Sendable ([Variable]) -> OptimizerBase)] = [
        ("SGD", { SGD(parameters: $0, lr: 0.1) }),
        ("SGD momentum dampening decay", { SGD(parameters: $0, lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) }),
        ("SGD nesterov", { SGD(parameters: $0, lr: 0.1, momentum: 0.9, nesterov: true) }),
        ("Adam (C kernel)", { Adam(parameters: $0, lr: 0.01) }),
        ("Adam decay amsgrad", { Adam(parameters: $0, lr: 0.01, weightDecay: 0.01, amsgrad: true) }),
        ("Adam beta1 0.3 (other lerp branch)", { Adam(parameters: $0, lr: 0.01, betas: (0.3, 0.9)) }),
        ("AdamW", { AdamW(parameters: $0, lr: 0.01, weightDecay: 0.1) }),
        ("NAdam", { NAdam(parameters: $0, lr: 0.01, weightDecay: 0.01) }),
        ("NAdam decoupled", { NAdam(parameters: $0, lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true) }),
        ("RMSprop", { RMSprop(parameters: $0, lr: 0.01) }),
        ("RMSprop centered momentum decay", { RMSprop(parameters: $0, lr: 0.01, weightDecay: 0.01, momentum: 0.9, centered: true) }),
        ("Adagrad", { Adagrad(parameters: $0, lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1) }),
        ("Adadelta", { Adadelta(parameters: $0, lr: 1.0, weightDecay: 0.01) }),
        ("Adamax", { Adamax(parameters: $0, lr: 0.01, weightDecay: 0.01) }),
    ]

    /// `nil` when `a` and `b` hold the same bits, else how many elements differ and the first.
    static func difference(_ a: Tensor, _ b: Tensor) -> String? {
        let (x, y) = (a.scalars(as: Float.self), b.scalars(as: Float.self))
        let differing = x.indices.filter { x[$0].bitPattern != y[$0].bitPattern }
        guard let i = differing.first else { return nil }
        return "\(differing.count) of \(x.count) elements differ, the first at \(i): \(x[i]) vs \(y[i])"
    }

    @Test func fusedKernelsEqualTheReadableRulesBitForBit() {
        // 2,500 elements: two full blocks of 1,024, a partial one, and a SIMD tail.
        var g = SplitMix64(seed: 11)
        let start = Tensor.uniform([50, 50], low: -1, high: 1, generator: &g)
        let gradients = (0..<5).map { _ in Tensor.uniform([50, 50], low: -2, high: 2, generator: &g) }
        for (name, make) in Self.configurations {
            let fused = Variable(start, requiresGrad: true), readable = Variable(start, requiresGrad: true)
            let a = make([fused]), b = make([readable])
            b.fused = false
            for (step, gradient) in gradients.enumerated() {
                fused.grad = gradient
                readable.grad = gradient
                a.step()
                b.step()
                let weights = Self.difference(fused.value, readable.value)
                #expect(weights == nil, "\(name): weights at step \(step + 1): \(weights ?? "")")
                for (key, value) in a.state(of: fused) where key != "step" {
                    let state = Self.difference(value, b.state(of: readable)[key]!)
                    #expect(state == nil, "\(name): \(key) at step \(step + 1): \(state ?? "")")
                }
            }
            #expect(Self.difference(fused.value, start) != nil, "\(name) did not move")
        }
    }

    /// Every optimizer refuses to step a parameter whose value was replaced by one of another
    /// shape after its state was made (before, it read and wrote out of bounds).
    @Test func aParameterReplacedByAnotherShapeIsRefused() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(0)
        }.map { Self.expectMessage($0, "SGD: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(3)
        }.map { Self.expectMessage($0, "Adam: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(6)
        }.map { Self.expectMessage($0, "AdamW: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(7)
        }.map { Self.expectMessage($0, "NAdam: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(9)
        }.map { Self.expectMessage($0, "RMSprop: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(11)
        }.map { Self.expectMessage($0, "Adagrad: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(12)
        }.map { Self.expectMessage($0, "Adadelta: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.replaceParameterAndStep(13)
        }.map { Self.expectMessage($0, "Adamax: parameter 0 ('w') is now [5] float32, but its optimizer state (") }
    }

    /// Steps configuration `index` once, replaces the parameter by one of another shape, steps again.
    static func replaceParameterAndStep(_ index: Int) {
        let p = Variable(Tensor.zeros([16]), requiresGrad: true, label: "w")
        let optimizer = configurations[index].1([p])
        p.grad = Tensor.ones([16])
        optimizer.step()
        p.value = Tensor.zeros([5])
        p.grad = Tensor.ones([5])
        optimizer.step()
    }

    /// Every way a hyper-parameter comes in is checked as the initializers check it.
    @Test func invalidHyperparametersAreRefusedOnEveryWayIn() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.sgd().lr = .nan
        }.map { Self.expectMessage($0, "invalid learning rate nan") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.sgd().lr = -0.1
        }.map { Self.expectMessage($0, "invalid learning rate -0.1") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.sgd().parameterGroups[0].weightDecay = .infinity
        }.map { Self.expectMessage($0, "invalid weight decay inf") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.sgd().parameterGroups[0].options["momentum"] = .nan
        }.map { Self.expectMessage($0, "SGD: group 0: invalid momentum nan") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            OptimizerContractTests.sgd().parameterGroups.append(ParameterGroup([Variable(Tensor.zeros([1]), requiresGrad: true)], lr: 0.1, options: ["betas": 0.9]))
        }.map { Self.expectMessage($0, "SGD: group 1: unknown option 'betas' (SGD has momentum, dampening, nesterov)") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD(parameters: [Variable(Tensor.zeros([2]), requiresGrad: true)], lr: 0.1, dampening: .nan)
        }.map { Self.expectMessage($0, "SGD: invalid dampening nan") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam(groups: [ParameterGroup([Variable(Tensor.zeros([2]), requiresGrad: true)], lr: 0.1, options: ["beta2": 1])])
        }.map { Self.expectMessage($0, "Adam: group 0: invalid beta2 1.0 (must lie in [0, 1))") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = StepLR(OptimizerContractTests.sgd(), stepSize: 1, gamma: .nan)
        }.map { Self.expectMessage($0, "StepLR: stepSize must be positive and gamma finite and >= 0, got stepSize 1, gamma nan") }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            clipGradNorm([], maxNorm: -1)
        }.map { Self.expectMessage($0, "clipGradNorm: maxNorm must be >= 0, got -1.0") }
    }

    static func sgd() -> SGD { SGD(parameters: [Variable(Tensor.zeros([2]), requiresGrad: true)], lr: 0.1, momentum: 0.9) }

    static func expectMessage(_ result: ExitTest.Result, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.contains(expected), "expected \(expected): \(message)", sourceLocation: sourceLocation)
    }

    @Test func aCheckpointWithAnInvalidValueIsRefusedAndChangesNothing() throws {
        let optimizer = sgdWithState()
        let good = optimizer.stateDict()
        for (key, value, reason) in [("param_groups.0.lr", Double.nan, "invalid learning rate nan"),
                                     ("param_groups.0.momentum", -1, "invalid momentum -1.0"),
                                     ("param_groups.0.nesterov", 0.5, "invalid nesterov 0.5")] {
            var bad = good
            bad[key] = Tensor(value, dtype: .float64)
            #expect { try optimizer.loadStateDict(bad) } throws: { error in "\(error)".contains(reason) }
            #expect(optimizer.stateDict() == good)
        }
        var badScheduler = StepLR(optimizer, stepSize: 2).stateDict()
        badScheduler["base_lrs.0"] = Tensor(-1, dtype: .float64)
        #expect(throws: StateDictError.self) { try StepLR(optimizer, stepSize: 2).loadStateDict(badScheduler) }
    }

    func sgdWithState() -> SGD {
        let p = Variable(Tensor([Float(1), 2]), requiresGrad: true)
        let optimizer = SGD(parameters: [p], lr: 0.1, momentum: 0.9)
        p.grad = Tensor([Float(1), -1])
        optimizer.step()
        return optimizer
    }

    /// Groups with options of their own step as separate optimizers with those options would
    /// (PyTorch's groups are independent), for every optimizer.
    @Test func groupsUseTheirOwnOptions() {
        typealias Make = (Variable) -> any Optimizer
        let cases: [(String, ([ParameterGroup]) -> any Optimizer, [String: Double], Make, Make)] = [
            ("SGD", { SGD(groups: $0, momentum: 0.9) }, ["momentum": 0.5, "nesterov": 1],
             { SGD(parameters: [$0], lr: 0.1, momentum: 0.9) }, { SGD(parameters: [$0], lr: 0.05, momentum: 0.5, nesterov: true) }),
            ("Adam", { Adam(groups: $0) }, ["beta1": 0.5, "eps": 1e-3, "amsgrad": 1],
             { Adam(parameters: [$0], lr: 0.1) }, { Adam(parameters: [$0], lr: 0.05, betas: (0.5, 0.999), eps: 1e-3, amsgrad: true) }),
            ("RMSprop", { RMSprop(groups: $0, centered: true) }, ["alpha": 0.5, "momentum": 0.5, "centered": 0],
             { RMSprop(parameters: [$0], lr: 0.1, centered: true) }, { RMSprop(parameters: [$0], lr: 0.05, alpha: 0.5, momentum: 0.5) }),
            ("NAdam", { NAdam(groups: $0) }, ["momentum_decay": 0.01, "decoupled_weight_decay": 1],
             { NAdam(parameters: [$0], lr: 0.1) }, { NAdam(parameters: [$0], lr: 0.05, momentumDecay: 0.01, decoupledWeightDecay: true) }),
            ("Adagrad", { Adagrad(groups: $0) }, ["initial_accumulator_value": 0.5, "lr_decay": 0.1],
             { Adagrad(parameters: [$0], lr: 0.1) }, { Adagrad(parameters: [$0], lr: 0.05, lrDecay: 0.1, initialAccumulatorValue: 0.5) }),
            ("Adadelta", { Adadelta(groups: $0) }, ["rho": 0.5],
             { Adadelta(parameters: [$0], lr: 0.1) }, { Adadelta(parameters: [$0], lr: 0.05, rho: 0.5) }),
            ("Adamax", { Adamax(groups: $0) }, ["beta2": 0.9],
             { Adamax(parameters: [$0], lr: 0.1) }, { Adamax(parameters: [$0], lr: 0.05, betas: (0.9, 0.9)) }),
        ]
        for (name, grouped, options, alone0, alone1) in cases {
            let start = Tensor([Float(0.5), -1.2, 2.0])
            let (a, b) = (Variable(start, requiresGrad: true), Variable(start, requiresGrad: true))
            let (c, d) = (Variable(start, requiresGrad: true), Variable(start, requiresGrad: true))
            let together = grouped([ParameterGroup([a], lr: 0.1), ParameterGroup([b], lr: 0.05, options: options)])
            let separate = [alone0(c), alone1(d)]
            for g in OptimizerTests.gradients {
                for p in [a, b, c, d] { p.grad = Tensor(g) }
                together.step()
                separate.forEach { $0.step() }
            }
            #expect(a.value == c.value && b.value == d.value, "\(name): groups with their own options")
            #expect(b.value != d.value || a.value != b.value, "\(name): the options changed nothing")
        }
    }

    @Test func optimizersAndSchedulersPrintTheirConfiguration() {
        let p = Variable(Tensor.zeros([2]), requiresGrad: true), q = Variable(Tensor.zeros([1]), requiresGrad: true)
        let sgd = SGD(groups: [ParameterGroup([p], lr: 0.1), ParameterGroup([q], lr: 0.01, options: ["momentum": 0.5])], momentum: 0.9)
        #expect("\(sgd)" == "SGD([lr: 0.1, weight_decay: 0.0, dampening: 0.0, momentum: 0.9, nesterov: false], [lr: 0.01, weight_decay: 0.0, dampening: 0.0, momentum: 0.5, nesterov: false])")
        #expect("\(Adam(parameters: [p]))" == "Adam(lr: 0.001, weight_decay: 0.0, amsgrad: false, beta1: 0.9, beta2: 0.999, decoupled_weight_decay: false, eps: 1e-08)")
        let scheduler = CosineAnnealingLR(sgd, tMax: 10, etaMin: 0.001)
        scheduler.step()
        #expect("\(scheduler)" == "CosineAnnealingLR(tMax: 10, etaMin: 0.001, lastEpoch: 1)")
        #expect("\(StepLR(sgd, stepSize: 3, gamma: 0.5))" == "StepLR(stepSize: 3, gamma: 0.5, lastEpoch: 0)")
        #expect("\(ReduceLROnPlateau(sgd))".hasPrefix("ReduceLROnPlateau(mode: min, factor: 0.1, patience: 10"))
    }
}
