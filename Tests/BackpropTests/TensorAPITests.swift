import Testing
import Backprop
@testable import BackpropTensor

/// The spellings a PyTorch user tries first: creation, literals, indexing, mixed arithmetic.
@Suite struct TensorAPITests {
    // MARK: Creation and element type

    @Test func plainLiteralsAreFloat32AndWorkWithLayers() {
        #expect(Tensor([1.0, 2.0]).dtype == .float32)
        #expect(Tensor([1, 2, 3, 4], shape: [2, 2]).dtype == .float32)
        #expect(Variable([1.0, 2.0], shape: [1, 2]).dtype == .float32)
        #expect(Tensor([1.0, 2.0] as [Double]).dtype == .float64, "float64 is opt-in by the array's type")
        let doubles: [Double] = [1, 2]
        #expect(Tensor(doubles).dtype == .float64)
        var g = SplitMix64(seed: 0)
        let layer = Linear(inputSize: 2, outputSize: 3, generator: &g)
        #expect(layer(Variable(Tensor([[1.0, 2.0]]))).shape == [1, 3])
    }

    @Test func nestedArrays() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3] && m.scalars(as: Double.self) == [1, 2, 3, 4, 5, 6])
        let cube = Tensor([[[1, 2]], [[3, 4]]] as [[[Double]]])
        #expect(cube.shape == [2, 1, 2] && cube.dtype == .float64)
        #expect(Tensor([[Float]]()).shape == [0])
    }

    @Test func randomCreationFollowsTheGenerator() {
        var a = SplitMix64(seed: 8), b = SplitMix64(seed: 8)
        #expect(Tensor.randn([3, 2], generator: &a) == Tensor.normal([3, 2], generator: &b))
        #expect(Tensor.rand([4], generator: &a) == Tensor.uniform([4], generator: &b))
        let ints = Tensor.randint(-2, 3, [500], generator: &a).scalars(as: Double.self)
        #expect(Set(ints) == [-2, -1, 0, 1, 2])
        let x = Tensor.ones([2, 3], dtype: .float64)
        #expect(Tensor.zerosLike(x) == Tensor.zeros([2, 3], dtype: .float64))
        #expect(Tensor.onesLike(x) == x && Tensor.fullLike(x, value: 2) == x * 2)
        #expect(Tensor.randnLike(x).shape == [2, 3] && Tensor.randLike(x).dtype == .float64)
    }

    // MARK: Indexing (expected values: the same subscripts in PyTorch, worked by hand)

    @Test func indexingLikePyTorch() {
        let t = Tensor.arange(0, 12).reshaped([3, 4])   // [[0 1 2 3] [4 5 6 7] [8 9 10 11]]
        #expect(t[0] == Tensor([0, 1, 2, 3]), "t[0] on a matrix is a row")
        #expect(t[-1] == Tensor([8, 9, 10, 11]))
        #expect(t[..., 1] == Tensor([1, 5, 9]), "t[:, 1]")
        #expect(t[0..<2, -1] == Tensor([3, 7]))
        #expect(t[1...].shape == [2, 4] && t[..<1].shape == [1, 4])
        #expect(t[1, .stride(by: 2)] == Tensor([4, 6]))
        #expect(t[.stride(from: -2, by: 1), ...2] == Tensor([[4, 5, 6], [8, 9, 10]]))
        #expect(t[.newAxis].shape == [1, 3, 4])
        let value: Double = t[2, 3]
        #expect(value == 11)
        let r3 = Tensor.arange(0, 24).reshaped([2, 3, 4])
        #expect(r3[.ellipsis, 0] == Tensor([[0, 4, 8], [12, 16, 20]]), "x[..., 0]")
        #expect(r3[1, .ellipsis, -1] == Tensor([15, 19, 23]))
        var s = t
        s[..., 0] = Tensor([-1, -2, -3])
        s[2] = Tensor(7)
        #expect(s == Tensor([[-1, 1, 2, 3], [-2, 5, 6, 7], [7, 7, 7, 7]]))
        #expect(t[0, 0] == Tensor(0), "assigning to a copy leaves the original alone")
    }

    @Test func indexingGradientsMatchFiniteDifferences() {
        var g = SplitMix64(seed: 3)
        let x = Tensor.uniform([4, 5], low: -1, high: 1, dtype: .float64, generator: &g)
        let subscripts: [(Variable) -> Variable] = [
            { $0[1..<3].tanh() }, { $0[..., 1] * $0[..., 2] }, { $0[-1, .stride(by: 2)].exp() },
            { $0[.stride(from: 1, by: 2), 1...3].squared() }, { $0[2, 4] * $0[0] },
        ]
        for (i, f) in subscripts.enumerated() {
            let result = GradientCheck.run(inputs: [x]) { f($0[0]) }
            #expect(result.passed, "subscript \(i): \(result)")
        }
        let second = GradientCheck.runSecondOrder(inputs: [x]) { v in (v[0][1..<3] * v[0][2..<4]).sum() }
        #expect(second.passed, "\(second)")
    }

    @Test func indexingErrorsNameTheProblem() {
        #expect(IndexPlan.text([.index(-1), .all, .slice(start: 1, end: nil, step: 2), .ellipsis]) == "[-1, :, 1::2, ...]")
    }

    // MARK: Arithmetic, comparisons, reductions

    @Test func variablesCombineWithTensorsInBothOrders() {
        let x = Variable(Tensor([1.0, -2.0, 3.0]), requiresGrad: true)
        let c = Tensor([2.0, 4.0, 0.5])
        let y = ((x * c) + (c - x) + (c / x) + (x / c) + (c + x) - (x - c) + (c * x)).sum()
        y.backward()
        // ∂/∂x = c - 1 - c/x² + 1/c + 1 - 1 + c
        let expected = zip(c.scalars(as: Double.self), [1.0, -2.0, 3.0]).map { c, x in c - 1 - c / (x * x) + 1 / c + c }
        for (got, want) in zip(x.grad!.scalars(as: Double.self), expected) { #expect(abs(got - want) < 1e-5) }
        #expect(((2 - x) * 3).value == Tensor([3, 12, -3]))
    }

    @Test func comparisonsGiveMasks() {
        let t = Tensor([-1, 0, 2, .nan])
        #expect((t > 0) == Tensor([0, 0, 1, 0]))
        #expect((t >= 0) == Tensor([0, 1, 1, 0]), "NaN compares false both ways")
        #expect((t < 0) == Tensor([1, 0, 0, 0]))
        #expect((t <= Tensor([0, 0, 0, 0])) == Tensor([1, 1, 0, 0]))
        #expect(t.eq(2) == Tensor([0, 0, 1, 0]))
        let v = Variable(t)
        #expect((v > 0) == Tensor([0, 0, 1, 0]) && (v < v) == Tensor([0, 0, 0, 0]))
    }

    @Test func oneSpellingForAxes() {
        let t = Tensor([[1, 5, 3], [4, 2, 6]])
        let v = Variable(t)
        #expect(t.sum(axis: 1) == Tensor([9, 12]) && v.sum(axis: 0).value == Tensor([5, 7, 9]))
        #expect(v.mean(axis: 1, keepDims: true).shape == [2, 1])
        #expect(v.max(axis: 1).value == Tensor([5, 6]) && t.min(axis: 0) == Tensor([1, 2, 3]))
        #expect(v.argmax(axis: 1) == [1, 2] && v.argmax(axis: 0) == [1, 0, 1])
        #expect(v.softmax(axis: 1).shape == [2, 3] && v.logSumExp(axis: -1).shape == [2])
    }
}
