#!/usr/bin/env python3
"""Checks an ONNX file written by Backprop's exportONNX with the real ONNX tools.

Usage: onnx_check.py MODEL.onnx CASES.safetensors
  1. onnx.checker.check_model(full_check=True) (also runs ONNX shape inference);
  2. onnxruntime runs the model on CASES' "input" and must give CASES' "output" (the
     framework's values) within 1e-5 relative to the largest |output|;
  3. the batch axis is dynamic: the first row alone and the rows repeated twice give the
     same rows.
A model whose input is int64 (it starts with an Embedding) gets CASES' "input" (whole numbers
stored as floats) cast to int64.
Needs: pip install onnx onnxruntime safetensors numpy. Exit 0 on success, 1 with a message.
"""
import sys

import numpy as np
import onnx
import onnxruntime
from safetensors.numpy import load_file


def fail(message):
    sys.exit(f"onnx_check.py: {message}")   # to standard error, exit status 1


def main():
    if len(sys.argv) != 3:
        fail("usage: onnx_check.py MODEL.onnx CASES.safetensors")
    path, cases_path = sys.argv[1], sys.argv[2]
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opset = {o.domain: o.version for o in model.opset_import}.get("", 0)
    if opset < 17:
        fail(f"{path}: opset {opset}, expected 17 or later")
    batch = model.graph.input[0].type.tensor_type.shape.dim[0]
    if not batch.dim_param:
        fail(f"{path}: the input's first axis is fixed ({batch.dim_value}), expected a dynamic batch")

    cases = load_file(cases_path)
    x, expected = cases["input"], cases["output"]
    if model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64:
        if not np.array_equal(x, np.round(x)):
            fail("the model takes int64 indices but the input holds fractions")
        x = x.astype(np.int64)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (got,) = session.run(["output"], {"input": x})
    if got.shape != expected.shape:
        fail(f"onnxruntime gives shape {got.shape}, Backprop {expected.shape}")
    scale = max(float(np.abs(expected).max()), 1e-30)
    absolute = float(np.abs(got.astype(np.float64) - expected).max())
    error = absolute / scale
    if error > 1e-5:
        worst = np.unravel_index(np.abs(got - expected).argmax(), got.shape)
        fail(f"onnxruntime differs from Backprop by {error:.3g} of the output scale {scale:.3g} "
             f"(at {worst}: {got[worst]} vs {expected[worst]})")
    for rows, want in ((x[:1], got[:1]), (np.concatenate([x, x]), np.concatenate([got, got]))):
        (part,) = session.run(["output"], {"input": rows})
        if part.shape != want.shape or not np.allclose(part, want, rtol=1e-5, atol=1e-6 * scale):
            fail(f"batch of {len(rows)} rows gives different values (is the batch axis dynamic?)")
    nodes = sorted({n.op_type for n in model.graph.node})
    elem_type = model.graph.input[0].type.tensor_type.elem_type
    print(f"onnx_check.py: ok: checker passed (opset {opset}, ir {model.ir_version}, elem_type {elem_type}), "
          f"max relative difference {error:.2e} (absolute {absolute:.2e}, output scale {scale:.3g}) "
          f"over {x.shape[0]} rows, operators {nodes}")


if __name__ == "__main__":
    main()
