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

    /// The array kernel (C, AVX-512 / AVX2 / scalar, vector_tanh.c) is the Swift function bit
    /// for bit, on every tail length and over the inputs of the accuracy test.
    @Test func arrayKernelEqualsTheSwiftFunction() {
        var generator = SplitMix64(seed: 10)
        var inputs: [Float] = [0, -0.0, 1e-45, -1e-45, 0x1p-5, -0x1p-5, 0x1.fffffep-6, 9.1, 9.100001, -9.2, 20,
                               .infinity, -.infinity, .nan, 1.17549435e-38, .greatestFiniteMagnitude]
        for _ in 0..<20_000 { inputs.append(Float(generator.nextUniform(-12, 12))) }
        for _ in 0..<20_000 { inputs.append(Float(generator.nextUniform(-0.05, 0.05))) }
        for start in [0, 1, 3] {
            for count in [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, inputs.count - start] {
                var out = [Float](repeating: 7, count: count)
                inputs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
                    FastMathKernels.tanh(x.baseAddress! + start, o.baseAddress!, count: count)
                } }
                var mismatches = 0
                for i in 0..<count where out[i].bitPattern != tanhFloat(inputs[start + i]).bitPattern
                    && !(out[i].isNaN && inputs[start + i].isNaN) { mismatches += 1 }
                #expect(mismatches == 0, "start \(start) count \(count): \(mismatches) differ")
            }
        }
    }

    @Test func vectorAndScalarAgree() {
        let x = SIMD4<Float>(-3.5, -1e-3, 0.25, 7)
        let v = tanhFloat4(x)
        for i in 0..<4 { #expect(v[i] == tanhFloat(x[i])) }
    }
}
