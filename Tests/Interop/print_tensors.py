"""Writes the expected strings of TensorPrintingTests.swift: PyTorch's own printing of each case.

Run: python Tests/Interop/print_tensors.py  (needs torch). Backprop prints `dtype=float64` where
PyTorch prints `dtype=torch.float64`, and `grad_fn=<MulBackward>` without the version digit.
"""
import torch

cases = [
    ("integers", torch.tensor([1.0, 2.0, 3.0])),
    ("rounded", torch.tensor([[2 / 3, -1.5], [10.25, 0.125]])),
    ("wide range", torch.tensor([[2 / 3, -1.5], [10.25, 0.001]])),
    ("scientific", torch.tensor([1e-8, 1.0])),
    ("tiny", torch.tensor([1e-8])),
    ("scalar", torch.tensor(0.5)),
    ("float64", torch.tensor([1.0, 2.5], dtype=torch.float64)),
    ("nonfinite", torch.tensor([float("nan"), float("inf"), -1.5])),
    ("large integers", torch.tensor([1e9, 1.0])),
    ("empty", torch.zeros(0)),
    ("empty matrix", torch.zeros(2, 0)),
    ("rank 3", torch.arange(12.0).reshape(2, 2, 3)),
    ("wrapped", torch.arange(30.0) / 3),
    ("summarised", (torch.arange(2000.0) / 7).reshape(40, 50)),
    ("requires grad", torch.tensor([0.5, 2.0], requires_grad=True)),
]
for name, t in cases:
    text = str(t).replace("torch.float64", "float64")
    print(f'("{name}", """\n{text}\n"""),')
