import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

@Suite struct AutogradTests {
    /// micrograd's classic expression, gradients derived by hand.
    @Test func scalarChainRuleByHand() {
        let a = Variable(2.0, dtype: .float64, requiresGrad: true)
        let b = Variable(-3.0, dtype: .float64, requiresGrad: true)
        let c = Variable(10.0, dtype: .float64, requiresGrad: true)
        let e = a * b          // -6
        let d = e + c          // 4
        let f = Variable(-2.0, dtype: .float64, requiresGrad: true)
        let L = d * f          // -8
        L.backward()
        #expect(L.item(as: Double.self) == -8)
        // dL/df = d = 4; dL/dd = f = -2; dL/dc = -2; dL/da = -2·b = 6; dL/db = -2·a = -4.
        #expect(f.grad!.item(as: Double.self) == 4)
        #expect(c.grad!.item(as: Double.self) == -2)
        #expect(a.grad!.item(as: Double.self) == 6)
        #expect(b.grad!.item(as: Double.self) == -4)
    }

    @Test func gradientsAccumulateOverUsesAndCalls() {
        let x = Variable(3.0, dtype: .float64, requiresGrad: true)
        let y = x * x + x      // dy/dx = 2x + 1 = 7: x is used three times
        y.backward()
        #expect(x.grad!.item(as: Double.self) == 7)
        (x * 2).backward()     // accumulates: 7 + 2
        #expect(x.grad!.item(as: Double.self) == 9)
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test func nonScalarBackwardTakesUpstreamGradient() {
        let x = Variable(Tensor([1.0, 2.0, 3.0]), requiresGrad: true)
        let y = x * x
        y.backward(Tensor([1.0, 0.5, 2.0]))
        #expect(x.grad!.scalars(as: Double.self) == [2, 2, 12])
    }

    @Test func noGradAndDetach() {
        let x = Variable(2.0, requiresGrad: true)
        let y = withNoGrad { x * x }
        #expect(!y.requiresGrad)
        #expect(y.creator == nil)
        let z = x.detached() * x
        z.backward()
        #expect(x.grad!.item() == 2)   // only the non-detached factor contributes
    }

    /// Hessian-vector product of f(x) = Σ x_i³ + x_0 x_1: H = diag(6x) + [[0,1],[1,0]].
    @Test func hessianVectorProduct() {
        let x = Variable(Tensor([1.0, 2.0]), requiresGrad: true)
        let f = (x * x * x).sum() + x.slice(axis: 0, 0..<1).sum() * x.slice(axis: 0, 1..<2).sum()
        let g = gradients(of: f, withRespectTo: [x], createGraph: true)[0]!
        // ∇f = 3x² + [x1, x0] = [3 + 2, 12 + 1]
        #expect(g.value.scalars(as: Double.self) == [5, 13])
        let v = Tensor([1.0, -1.0])
        (g * Variable(v)).sum().backward()
        // H·v = [6·1·1 + 1·(-1), 1·1 + 6·2·(-1)] = [5, -11]
        #expect(x.grad!.scalars(as: Double.self) == [5, -11])
    }

    @Test func backwardWithCreateGraphGivesDifferentiableGrad() {
        let x = Variable(0.5, dtype: .float64, requiresGrad: true)
        let y = x.tanh()
        y.backward(createGraph: true)
        let dy = x.gradVariable!
        #expect(dy.requiresGrad)
        x.zeroGrad()
        dy.backward()
        // d²/dx² tanh = -2 tanh(x) (1 - tanh²(x))
        let t = 0.46211715726000974
        #expect(Swift.abs(x.grad!.item(as: Double.self) - (-2 * t * (1 - t * t))) < 1e-12)
    }

    @Test func graphIsFreedAfterBackward() {
        weak var weakIntermediate: Variable?
        let x = Variable(Tensor([1, 2, 3] as [Float]), requiresGrad: true)
        var loss: Variable? = nil
        do {
            let h = (x * 2).tanh()
            weakIntermediate = h
            loss = h.sum()
        }
        #expect(weakIntermediate != nil)      // the graph holds it until backward
        loss!.backward()
        #expect(weakIntermediate == nil)      // freed by backward, while the loss lives on
        #expect(loss!.creator!.isFreed)
        #expect(x.grad != nil)
    }

    @Test func graphIsFreedWhenDropped() {
        weak var weakOutput: Variable?
        let x = Variable(Tensor([1, 2, 3] as [Float]), requiresGrad: true)
        do {
            let y = (x.sigmoid() * x).sum()
            weakOutput = y
        }
        #expect(weakOutput == nil)            // no retain cycle through backward closures
    }

    @Test func retainGraphAllowsSecondBackward() {
        let x = Variable(2.0, dtype: .float64, requiresGrad: true)
        let y = x * x
        y.backward(retainGraph: true)
        y.backward()
        #expect(x.grad!.item(as: Double.self) == 8)
    }

    @Test func deepGraphDoesNotOverflowTheStack() {
        let x = Variable(1.0, dtype: .float64, requiresGrad: true)
        var y = x
        for _ in 0..<20000 { y = y * 1.0001 }
        y.backward()
        #expect(Swift.abs(x.grad!.item(as: Double.self) - pow(1.0001, 20000)) < 1e-6)
    }
}

import Foundation
