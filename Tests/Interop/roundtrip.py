#!/usr/bin/env python3
"""Interop check between Backprop's SafeTensors and the Python `safetensors` package.

Usage: roundtrip.py DIR
  1. Reads DIR/from_backprop.safetensors (written by the Swift test SafeTensorsInteropTests) with
     safetensors.numpy and checks names, dtypes, shapes, values and metadata.
  2. Writes DIR/from_python.safetensors for the Swift test to check.
Values are defined the same way on both sides (arange-based). Needs: pip install safetensors numpy
Exit status 0 on success, 1 with a message on the first mismatch.
"""
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def fail(message):
    print(f"roundtrip.py: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: roundtrip.py DIR")
    folder = sys.argv[1]

    # 1. What Backprop wrote.
    path = os.path.join(folder, "from_backprop.safetensors")
    tensors = load_file(path)
    expected = {
        "fc.weight": (np.arange(12, dtype=np.float32) * np.float32(0.25) - np.float32(1)).reshape(3, 4),
        "fc.bias": np.arange(4, dtype=np.float32) / np.float32(8),
        "grid": (np.arange(24, dtype=np.float64) / 3).reshape(2, 3, 4),
        "empty": np.zeros((0, 5), dtype=np.float32),
    }
    if sorted(tensors) != sorted(expected):
        fail(f"{path}: names {sorted(tensors)}, expected {sorted(expected)}")
    for name, want in expected.items():
        got = tensors[name]
        if got.dtype != want.dtype or got.shape != want.shape:
            fail(f"{path}: {name} is {got.dtype} {got.shape}, expected {want.dtype} {want.shape}")
        if not np.array_equal(got, want):
            fail(f"{path}: {name} values {got.ravel()[:8]} differ from {want.ravel()[:8]}")
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata()
    if metadata != {"framework": "backprop"}:
        fail(f"{path}: metadata {metadata}, expected {{'framework': 'backprop'}}")

    # 2. For Backprop to read.
    save_file(
        {
            "x": (np.arange(12, dtype=np.float32) / np.float32(4)).reshape(3, 4),
            "y": np.arange(5, dtype=np.float64) * 1.5 - 2,
            "half": np.arange(4, dtype=np.float16) / np.float16(2),
            "count": np.arange(-3, 3, dtype=np.int64),
            "scalar": np.array(2.75, dtype=np.float32),
        },
        os.path.join(folder, "from_python.safetensors"),
        metadata={"framework": "numpy"},
    )
    print("roundtrip.py: ok")


if __name__ == "__main__":
    main()
