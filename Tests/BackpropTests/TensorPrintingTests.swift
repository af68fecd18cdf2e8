import Testing
import Backprop

/// Tensors print exactly as PyTorch prints them. The expected strings are PyTorch's own output,
/// written by `Tests/Interop/print_tensors.py` (PyTorch 2.x, default print options); Backprop
/// writes `dtype=float64` for `dtype=torch.float64`.
@Suite struct TensorPrintingTests {
    static let cases: [(String, Tensor, String)] = [
        ("integers", Tensor([1.0, 2.0, 3.0]),
         """
         tensor([1., 2., 3.])
         """),
        ("rounded", Tensor([[Float(2.0 / 3), -1.5], [10.25, 0.125]]),
         """
         tensor([[ 0.6667, -1.5000],
                 [10.2500,  0.1250]])
         """),
        ("wide range", Tensor([[Float(2.0 / 3), -1.5], [10.25, 0.001]]),
         """
         tensor([[ 6.6667e-01, -1.5000e+00],
                 [ 1.0250e+01,  1.0000e-03]])
         """),
        ("scientific", Tensor([1e-8, 1.0]),
         """
         tensor([1.0000e-08, 1.0000e+00])
         """),
        ("tiny", Tensor([1e-8]),
         """
         tensor([1.0000e-08])
         """),
        ("scalar", Tensor(0.5),
         """
         tensor(0.5000)
         """),
        ("float64", Tensor([1.0, 2.5] as [Double]),
         """
         tensor([1.0000, 2.5000], dtype=float64)
         """),
        ("nonfinite", Tensor([Float.nan, .infinity, -1.5]),
         """
         tensor([    nan,     inf, -1.5000])
         """),
        ("large integers", Tensor([1e9, 1.0]),
         """
         tensor([1.0000e+09, 1.0000e+00])
         """),
        ("empty", Tensor.zeros([0]),
         """
         tensor([])
         """),
        ("empty matrix", Tensor.zeros([2, 0]),
         """
         tensor([], size=(2, 0))
         """),
        ("rank 3", Tensor.arange(0, 12).reshaped([2, 2, 3]),
         """
         tensor([[[ 0.,  1.,  2.],
                  [ 3.,  4.,  5.]],

                 [[ 6.,  7.,  8.],
                  [ 9., 10., 11.]]])
         """),
        ("wrapped", Tensor.arange(0, 30) / Tensor(3),
         """
         tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,
                 3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,
                 6.0000, 6.3333, 6.6667, 7.0000, 7.3333, 7.6667, 8.0000, 8.3333, 8.6667,
                 9.0000, 9.3333, 9.6667])
         """),
        ("summarised", (Tensor.arange(0, 2000) / Tensor(7)).reshaped([40, 50]),
         """
         tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 6.7143e+00, 6.8571e+00,
                  7.0000e+00],
                 [7.1429e+00, 7.2857e+00, 7.4286e+00,  ..., 1.3857e+01, 1.4000e+01,
                  1.4143e+01],
                 [1.4286e+01, 1.4429e+01, 1.4571e+01,  ..., 2.1000e+01, 2.1143e+01,
                  2.1286e+01],
                 ...,
                 [2.6429e+02, 2.6443e+02, 2.6457e+02,  ..., 2.7100e+02, 2.7114e+02,
                  2.7129e+02],
                 [2.7143e+02, 2.7157e+02, 2.7171e+02,  ..., 2.7814e+02, 2.7829e+02,
                  2.7843e+02],
                 [2.7857e+02, 2.7871e+02, 2.7886e+02,  ..., 2.8529e+02, 2.8543e+02,
                  2.8557e+02]])
         """),
    ]

    @Test(arguments: cases.indices) func printsLikePyTorch(_ i: Int) {
        let (name, tensor, expected) = Self.cases[i]
        #expect("\(tensor)" == expected, "\(name)")
    }

    @Test func variablesShowRequiresGradAndTheirOperation() {
        let x = Variable(Tensor([0.5, 2.0]), requiresGrad: true)
        #expect("\(x)" == """
            tensor([0.5000, 2.0000], requires_grad=True)
            """)
        #expect("\(x * x)" == "tensor([0.2500, 4.0000], grad_fn=<MulBackward>)")
        #expect("\(Variable(Tensor([1.0])))" == "tensor([1.])")
    }

    @Test func float32PrintsAsFloat32NotAsItsDoubleExpansion() {
        // The float32 nearest 1e-8 is 9.99999993922529e-09 as a Double; printed with 4 digits.
        #expect("\(Tensor([Float(1e-8)]))" == "tensor([1.0000e-08])")
        #expect("\(Tensor([Float(2) / 3]))" == "tensor([0.6667])", "rounded, not truncated")
    }
}
