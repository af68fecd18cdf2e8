import CBackpropKernels
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// Checks `MatrixMultiply.gemm` (the C kernels plus the Swift threading split) against a naive
/// triple loop evaluated in Double, for Float and Double, all transpose combinations, odd sizes,
/// alpha/beta variants and padded leading dimensions; and checks that the result does not
/// depend on the thread count (bit-identical with 1 and 2 threads).
@Suite(.serialized)
struct MatrixMultiplyKernelTests {
    /// (m, k, n)
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (7, 13, 5), (33, 65, 17), (130, 300, 129),
        (8, 2, 16), (3, 1000, 40), (40, 50, 300), (64, 0, 9), (2, 1500, 1), (1, 900, 3),
    ]
    static let scalings: [(alpha: Double, beta: Double)] = [(1, 0), (1, 1), (-0.5, 2)]

    struct Case {
        var transA: Bool, transB: Bool, m: Int, n: Int, k: Int, pad: Int
        var alpha: Double, beta: Double
        var lda: Int { (transA ? m : k) + pad }
        var ldb: Int { (transB ? k : n) + pad }
        var ldc: Int { n + pad }
        var aCount: Int { (transA ? k : m) * lda }
        var bCount: Int { (transB ? n : k) * ldb }
        var cCount: Int { m * ldc }
    }

    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 40) / Double(1 << 24) * 2 - 1
        }
    }

    /// Bitwise equality (NaN == NaN when the bits match).
    static func identical<T: TensorScalar>(_ x: T, _ y: T) -> Bool {
        x.sign == y.sign && x.exponentBitPattern == y.exponentBitPattern
            && x.significandBitPattern == y.significandBitPattern
    }

    /// Runs one case with `threads` threads; returns C (all of it, padding included).
    static func run<T: TensorScalar>(_ cs: Case, _: T.Type, threads: Int, seed: UInt64) -> (a: [T], b: [T], c0: [T], c: [T]) {
        var rng = LCG(state: seed)
        let a = (0..<max(cs.aCount, 1)).map { _ in T(rng.next()) }
        let b = (0..<max(cs.bCount, 1)).map { _ in T(rng.next()) }
        // beta == 0 must ignore whatever is in C, NaN included.
        let c0 = (0..<cs.cCount).map { _ in cs.beta == 0 ? T.nan : T(rng.next()) }
        var c = c0
        let saved = Threading.threadCount
        Threading.threadCount = threads
        defer { Threading.threadCount = saved }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    MatrixMultiply.gemm(
                        transA: cs.transA, transB: cs.transB, m: cs.m, n: cs.n, k: cs.k,
                        alpha: T(cs.alpha), a: pa.baseAddress!, lda: cs.lda,
                        b: pb.baseAddress!, ldb: cs.ldb,
                        beta: T(cs.beta), c: pc.baseAddress!, ldc: cs.ldc)
                }
            }
        }
        return (a, b, c0, c)
    }

    static func check<T: TensorScalar>(_ cs: Case, _ type: T.Type, seed: UInt64) {
        let r1 = run(cs, type, threads: 1, seed: seed)
        let r2 = run(cs, type, threads: 2, seed: seed)
        let label = "\(T.self) tA=\(cs.transA) tB=\(cs.transB) m=\(cs.m) n=\(cs.n) k=\(cs.k) pad=\(cs.pad) alpha=\(cs.alpha) beta=\(cs.beta)"
        // Bit-identical whatever the thread count.
        let same = zip(r1.c, r2.c).allSatisfy { Self.identical($0, $1) }
        #expect(same, "1 vs 2 threads differ: \(label)")

        // The reference runs on non-generic Double copies (generic element access is slow in debug).
        let ad = r1.a.map { Double($0) }, bd = r1.b.map { Double($0) }
        let eps = Double(T.ulpOfOne)
        var worst = 0.0
        var failures = 0
        // Large cases check every 9th row plus the last rows (all columns), to stay fast in debug.
        let rows = cs.m * cs.n * cs.k > 100_000
            ? Array(Set(Array(stride(from: 0, to: cs.m, by: 9)) + Array(max(0, cs.m - 3)..<cs.m))).sorted()
            : Array(0..<cs.m)
        for i in rows {
            for j in 0..<cs.ldc {
                let got = Double(r1.c[i * cs.ldc + j])
                let old = Double(r1.c0[i * cs.ldc + j])
                if j >= cs.n {
                    // Padding of C must be untouched.
                    if !Self.identical(r1.c[i * cs.ldc + j], r1.c0[i * cs.ldc + j]) { failures += 1 }
                    continue
                }
                let (sum, sumAbs) = Self.dot(ad, bd, cs, i, j)
                let betaTerm = cs.beta == 0 ? 0 : cs.beta * old
                let ref = cs.alpha * sum + betaTerm
                let scale = abs(cs.alpha) * sumAbs + abs(betaTerm)
                let tol = 2 * eps * Double(cs.k + 3) * scale + 1e-30
                let err = abs(got - ref)
                if !(err <= tol) { failures += 1 }
                if scale > 0 { worst = max(worst, err / scale) }
            }
        }
        #expect(failures == 0, "\(failures) wrong elements (worst relative error \(worst)): \(label)")
    }

    /// Exact-ish reference: sum over p of op(A)[i][p] * op(B)[p][j] in Double, and the sum of |terms|.
    static func dot(_ a: [Double], _ b: [Double], _ cs: Case, _ i: Int, _ j: Int) -> (Double, Double) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let aStart = cs.transA ? i : i * cs.lda, aStep = cs.transA ? cs.lda : 1
                let bStart = cs.transB ? j * cs.ldb : j, bStep = cs.transB ? 1 : cs.ldb
                var sum = 0.0, sumAbs = 0.0
                var ia = aStart, ib = bStart
                for _ in 0..<cs.k {
                    let t = a[ia] * b[ib]
                    sum += t
                    sumAbs += abs(t)
                    ia += aStep
                    ib += bStep
                }
                return (sum, sumAbs)
            }
        }
    }

    static func cases(pads: [Int]) -> [Case] {
        var out: [Case] = []
        for (m, k, n) in shapes {
            for tA in [false, true] {
                for tB in [false, true] {
                    let combo = (tA ? 2 : 0) + (tB ? 1 : 0)
                    if m * n * k > 100_000 {
                        // Large shapes: one scaling and padding per transpose combination.
                        let (alpha, beta) = scalings[combo % scalings.count]
                        out.append(Case(transA: tA, transB: tB, m: m, n: n, k: k, pad: pads[combo % pads.count], alpha: alpha, beta: beta))
                        continue
                    }
                    for (index, (alpha, beta)) in scalings.enumerated() {
                        let pad = pads[(index + combo) % pads.count]
                        out.append(Case(transA: tA, transB: tB, m: m, n: n, k: k, pad: pad, alpha: alpha, beta: beta))
                    }
                }
            }
        }
        return out
    }

    @Test func floatMatchesReference() {
        for (i, cs) in Self.cases(pads: [0, 3]).enumerated() { Self.check(cs, Float.self, seed: UInt64(i + 1)) }
    }

    @Test func doubleMatchesReference() {
        for (i, cs) in Self.cases(pads: [0, 5]).enumerated() { Self.check(cs, Double.self, seed: UInt64(i + 101)) }
    }

    /// Larger shapes that go through several k blocks and several row/column blocks of the
    /// packed path, and get split over both rows and columns by the threading wrapper.
    @Test func largerShapesAreThreadCountIndependent() {
        let big: [(Int, Int, Int)] = [(150, 500, 70), (40, 450, 300)]
        for (idx, (m, k, n)) in big.enumerated() {
            for tA in [false, true] {
                for tB in [false, true] {
                    let cs = Case(transA: tA, transB: tB, m: m, n: n, k: k, pad: 1, alpha: 1, beta: 1)
                    let r1 = Self.run(cs, Float.self, threads: 1, seed: UInt64(idx + 7))
                    for threads in [2, 3] {
                        let r2 = Self.run(cs, Float.self, threads: threads, seed: UInt64(idx + 7))
                        let same = zip(r1.c, r2.c).allSatisfy { Self.identical($0, $1) }
                        #expect(same, "1 vs \(threads) threads differ: tA=\(tA) tB=\(tB) \(m)x\(k)x\(n)")
                    }
                    // Spot-check a few elements against Double.
                    for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3)] {
                        var sum = 0.0, sumAbs = 0.0
                        for p in 0..<k {
                            let av = Double(tA ? r1.a[p * cs.lda + i] : r1.a[i * cs.lda + p])
                            let bv = Double(tB ? r1.b[j * cs.ldb + p] : r1.b[p * cs.ldb + j])
                            sum += av * bv; sumAbs += abs(av * bv)
                        }
                        let old = Double(r1.c0[i * cs.ldc + j])
                        let ref = sum + old
                        let tol = 2 * Double(Float.ulpOfOne) * Double(k + 3) * (sumAbs + abs(old))
                        #expect(abs(Double(r1.c[i * cs.ldc + j]) - ref) <= tol)
                    }
                }
            }
        }
    }
}


extension MatrixMultiplyKernelTests {
    /// Every code path of the C kernels (portable, AVX2, AVX-512, as far as this CPU supports
    /// them) must give bit-identical results.
    @Test func allCodePathsAreBitIdentical() {
        defer { _ = bp_gemm_select_isa(Int32(BP_GEMM_ISA_BEST)) }
        let best = bp_gemm_select_isa(Int32(BP_GEMM_ISA_BEST))
        let shapes: [(Int, Int, Int)] = [(7, 13, 5), (33, 65, 17), (20, 450, 70), (70, 40, 300)]
        for (idx, (m, k, n)) in shapes.enumerated() {
            for tA in [false, true] {
                for tB in [false, true] {
                    let cs = Case(transA: tA, transB: tB, m: m, n: n, k: k, pad: 2, alpha: 1.5, beta: idx % 2 == 0 ? 0 : 0.5)
                    var reference: [Float]? = nil
                    var referenceD: [Double]? = nil
                    for isa in 1...Int(best) {
                        #expect(bp_gemm_select_isa(Int32(isa)) == Int32(isa))
                        let f = Self.run(cs, Float.self, threads: 1, seed: UInt64(idx + 31)).c
                        let d = Self.run(cs, Double.self, threads: 1, seed: UInt64(idx + 31)).c
                        if let r = reference, let rd = referenceD {
                            #expect(zip(r, f).allSatisfy { Self.identical($0, $1) }, "Float path \(isa) differs: tA=\(tA) tB=\(tB) \(m)x\(k)x\(n)")
                            #expect(zip(rd, d).allSatisfy { Self.identical($0, $1) }, "Double path \(isa) differs: tA=\(tA) tB=\(tB) \(m)x\(k)x\(n)")
                        } else {
                            reference = f
                            referenceD = d
                        }
                    }
                }
            }
        }
    }
}
