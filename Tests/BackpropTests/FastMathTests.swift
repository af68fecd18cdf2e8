import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// The vectorised Float tanh against libm's Double tanh rounded once (the correctly rounded
/// value, to within Double's own error).
@Suite struct FastMathTests {
    @Test func tanhFloatIsCorrectlyRoundedAlmostEverywhere() {
        var generator = SplitMix64(seed: 9)
        var inputs: [Float] = [0, -0.0, 1e-30, -1e-30, 0x1p-5, -0x1p-5, 0.5, -0.5, 9.1, -9.1, 20, -20, .infinity, -.infinity]
        for _ in 0..<100_000 { inputs.append(Float(generator.nextUniform(-10, 10))) }
        for _ in 0..<50_000 { inputs.append(Float(generator.nextUniform(-0.1, 0.1))) }
        var offByOne = 0
        for x in inputs {
            let exact = Float(Foundation.tanh(Double(x)))
            let fast = tanhFloat(x)
            if fast == exact { continue }
            #expect(fast.nextUp == exact || fast.nextDown == exact, "tanh(\(x)): \(fast) vs \(exact)")
            offByOne += 1
        }
        #expect(offByOne <= 2, "\(offByOne) of \(inputs.count) results off by one ulp")
        #expect(tanhFloat(.nan).isNaN)
        #expect(tanhFloat(-0.0).sign == .minus)
    }

    @Test func vectorAndScalarAgree() {
        let x = SIMD4<Float>(-3.5, -1e-3, 0.25, 7)
        let v = tanhFloat4(x)
        for i in 0..<4 { #expect(v[i] == tanhFloat(x[i])) }
    }
}
