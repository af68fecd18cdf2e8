#!/usr/bin/env python3
"""Checks a Backprop-trained model against PyTorch: same weights, same images -> same logits.

Loads a model that Backprop saved as safetensors (by PyTorch state-dict names "0.weight",
"0.bias", "2.weight", ...) into a torch ``nn.Sequential``, runs it on the images of an
MNIST-style IDX folder, and

* with ``--logits FILE`` (a safetensors file with a tensor "logits" of shape [N, classes] that
  Backprop computed for the same images): prints the largest absolute difference between the
  two sets of logits and exits with status 1 if it exceeds ``--tolerance`` (default 1e-5);
* always: prints the accuracy PyTorch gets (when the labels file is there) and, if the model's
  metadata records a ``test_accuracy`` (the mlp-classifier example writes it), exits with
  status 1 when PyTorch's accuracy on the test images differs from it.

The Sequential is a stack of Linear layers with activations between them, or, when the model's
metadata has ``torch_modules`` (the cnn-classifier example writes it), the modules listed there,
e.g. ``Conv2d(1, 16, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(256, 10)``; then
the images go in as ``[N, 1, side, side]``.

Needs torch and numpy (not the safetensors package: the format is read here directly).
Exit status: 0 agreement, 1 disagreement, 2 bad input (missing file, wrong shapes, no torch).

Used by Tests/BackpropTests/PyTorchParityTests.swift (which trains a small MLP on the 8x8
digits, writes the model and its logits on the test images, and runs this script).

Running it on MNIST with the mlp-classifier example's saved model
-----------------------------------------------------------------
The example writes ``model.safetensors`` (state-dict names; metadata ``architecture`` such as
"784-256-128-10", ``activation`` "relu" and ``test_accuracy``) into its ``--out`` folder
(default ``out/mlp-classifier``). It loads the IDX files with ``MNIST.load``, which scales the
pixels by 1/255 (by 1/16 for the 8x8 digits); this script applies the same rule (``--scale``
overrides it). With a Python that has torch and numpy::

    swift run -c release mlp-classifier --data data/mnist --out out/mnist-run
    python3 Tests/Interop/pytorch_logits.py --model out/mnist-run/model.safetensors \
        --images data/mnist

That checks that PyTorch, given the saved weights, gets exactly the test accuracy the example
reported. The example also writes Backprop's logits on the test images
(``test_logits.safetensors``, tensor "logits"); to compare the logits themselves::

    python3 Tests/Interop/pytorch_logits.py --model out/mnist-run/model.safetensors \
        --images data/mnist --logits out/mnist-run/test_logits.safetensors

(``--split train`` uses the training images instead of t10k; ``--float64`` computes PyTorch's
logits in double precision, which measures Backprop's float32 rounding alone.)

How close to expect: both sides compute in float32 and sum in different orders, so the logits
differ by a few float32 ulps of their size. Measured: 5e-7 for the parity test's digits MLP
(logits up to 3), 7.6e-6 for 784-256-128-10 on MNIST after one epoch (logits up to 21; 6.7e-6
against float64). Models trained longer have larger logits; if the difference grows past
1e-5 with every prediction still equal, compare relative to the logits' size
(``--tolerance 1e-4``) rather than suspecting the weights.
"""

import argparse
import ast
import json
import os
import struct
import sys

try:
    import numpy as np
    import torch
except ImportError as error:  # pragma: no cover - reported to the caller
    print(f"pytorch_logits.py: needs torch and numpy ({error})", file=sys.stderr)
    sys.exit(2)

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def fail(message, status=2):
    print(f"pytorch_logits.py: {message}", file=sys.stderr)
    sys.exit(status)


def read_safetensors(path):
    """Returns ({name: numpy array}, {metadata}) from a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail(f"{path}: too short for a safetensors file")
    (header_length,) = struct.unpack("<Q", data[:8])
    if 8 + header_length > len(data):
        fail(f"{path}: header length {header_length} exceeds the file size {len(data)}")
    header = json.loads(data[8:8 + header_length])
    metadata = header.pop("__metadata__", {}) or {}
    body = data[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        dtype = DTYPES.get(entry["dtype"])
        if dtype is None:
            fail(f"{path}: tensor {name!r} has unsupported dtype {entry['dtype']}")
        start, end = entry["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=np.dtype(dtype).newbyteorder("<"))
        tensors[name] = array.reshape(entry["shape"]).copy()
    return tensors, metadata


def read_idx(path):
    """An IDX file (MNIST's format) of unsigned bytes as a numpy array."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        fail(f"{path}: not an IDX file of unsigned bytes")
    rank = data[3]
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if values.size != int(np.prod(shape)):
        fail(f"{path}: header shape {shape} needs {int(np.prod(shape))} bytes, file has {values.size}")
    return values.reshape(shape)


# The torch.nn modules a ``torch_modules`` list may name (called with literal arguments only).
MODULES = {"Conv2d", "Linear", "ReLU", "Tanh", "Sigmoid", "GELU", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
           "Flatten", "BatchNorm1d", "BatchNorm2d", "GroupNorm", "Dropout"}


def listed_modules(text):
    """The modules of a ``torch_modules`` list, parsed (not evaluated): calls of MODULES names
    with literal arguments."""
    try:
        calls = ast.parse(f"[{text}]", mode="eval").body.elts
        modules = []
        for call in calls:
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in MODULES):
                raise ValueError(ast.unparse(call))
            args = [ast.literal_eval(a) for a in call.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            modules.append(getattr(torch.nn, call.func.id)(*args, **kwargs))
        return modules
    except (SyntaxError, ValueError, TypeError) as error:
        fail(f"cannot build the model's torch_modules {text!r}: {error}")


def build_model(state, metadata, dtype):
    """nn.Sequential of the metadata's ``torch_modules``, else with nn.Linear at every index that has a weight and the activation
    (metadata "activation", default ReLU) at the indices between them."""
    if "torch_modules" in metadata:
        return finish(torch.nn.Sequential(*listed_modules(metadata["torch_modules"])), state, dtype)
    linear_indices = sorted(int(name.split(".")[0]) for name in state if name.endswith(".weight"))
    if not linear_indices or any(len(name.split(".")) != 2 for name in state):
        fail(f"expected a Sequential of Linear layers ('0.weight', '0.bias', ...), got {sorted(state)}")
    activations = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "gelu": torch.nn.GELU}
    activation = activations.get(metadata.get("activation", "relu").lower())
    if activation is None:
        fail(f"unknown activation {metadata['activation']!r} in the model's metadata")
    layers = []
    for index in range(linear_indices[-1] + 1):
        if index in linear_indices:
            weight = state[f"{index}.weight"]
            out_features, in_features = weight.shape
            layers.append(torch.nn.Linear(in_features, out_features, bias=f"{index}.bias" in state))
        else:
            layers.append(activation())
    return finish(torch.nn.Sequential(*layers), state, dtype)


def finish(model, state, dtype):
    """The model in ``dtype`` with the saved state loaded (strict: every name and shape must match)."""
    model = model.to(dtype)
    torch_state = {name: torch.from_numpy(value.astype(np.float64)).to(dtype) for name, value in state.items()}
    try:
        model.load_state_dict(torch_state, strict=True)
    except RuntimeError as error:
        fail(f"PyTorch's {model} does not load the file: {error}")
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="Backprop model, safetensors with state-dict names")
    parser.add_argument("--images", required=True, help="folder with MNIST-style IDX files")
    parser.add_argument("--logits", help="Backprop's logits for the images, safetensors with tensor 'logits'")
    parser.add_argument("--split", choices=["t10k", "train"], default="t10k", help="which images (default t10k)")
    parser.add_argument("--scale", type=float, help="pixel scale (default: 1/16 if the training pixels are <= 16, else 1/255)")
    parser.add_argument("--tolerance", type=float, default=1e-5, help="largest allowed |torch - backprop| (default 1e-5)")
    parser.add_argument("--float64", action="store_true", help="compute PyTorch's logits in float64")
    args = parser.parse_args()

    for path in [args.model, args.images] + ([args.logits] if args.logits else []):
        if not os.path.exists(path):
            fail(f"no such file or folder: {path}")
    state, metadata = read_safetensors(args.model)
    images = read_idx(os.path.join(args.images, f"{args.split}-images-idx3-ubyte"))
    if args.scale is None:
        # Backprop's MNIST.load rule: the training pixels' maximum decides (digits 0-16, MNIST 0-255).
        train_path = os.path.join(args.images, "train-images-idx3-ubyte")
        reference = read_idx(train_path) if os.path.exists(train_path) else images
        args.scale = 1.0 / 16 if reference.max() <= 16 else 1.0 / 255
    dtype = torch.float64 if args.float64 else torch.float32
    # Scale in float64 and round once, as Backprop does.
    x = torch.from_numpy(images.reshape(images.shape[0], -1).astype(np.float64) * args.scale).to(torch.float32).to(dtype)

    model = build_model(state, metadata, dtype)
    if isinstance(model[0], torch.nn.Conv2d):
        side = images.shape[1]
        x = x.reshape(len(x), 1, side, -1)
    elif x.shape[1] != model[0].in_features:
        fail(f"the images have {x.shape[1]} pixels but the model's first layer takes {model[0].in_features}")
    torch.set_num_threads(1)
    with torch.no_grad():
        logits = model(x)
    architecture = metadata.get("torch_modules") or "-".join(
        str(n) for n in [model[0].in_features] + [m.out_features for m in model if isinstance(m, torch.nn.Linear)])
    print(f"model {args.model}: {architecture}, {len(x)} {args.split} images, scale {args.scale:g}, torch {torch.__version__} ({dtype})")

    status = 0
    if args.logits:
        tensors, _ = read_safetensors(args.logits)
        if "logits" not in tensors:
            fail(f"{args.logits}: no tensor named 'logits' (has {sorted(tensors)})")
        theirs = torch.from_numpy(tensors["logits"].astype(np.float64))
        if tuple(theirs.shape) != tuple(logits.shape):
            fail(f"{args.logits}: logits of shape {list(theirs.shape)}, PyTorch's are {list(logits.shape)}")
        difference = (logits.to(torch.float64) - theirs).abs()
        worst = difference.max().item()
        row, column = divmod(int(difference.argmax().item()), logits.shape[1])
        same_argmax = (logits.argmax(1) == theirs.argmax(1)).float().mean().item()
        print(f"max |torch - backprop| = {worst:.3e} (image {row}, class {column}; logits up to {theirs.abs().max().item():.2f}); "
              f"same prediction for {same_argmax * 100:.2f}% of images")
        if not worst <= args.tolerance:
            print(f"FAIL: difference {worst:.3e} exceeds the tolerance {args.tolerance:g}", file=sys.stderr)
            status = 1

    labels_path = os.path.join(args.images, f"{args.split}-labels-idx1-ubyte")
    if os.path.exists(labels_path):
        labels = torch.from_numpy(read_idx(labels_path).astype(np.int64))
        accuracy = (logits.argmax(1) == labels).double().mean().item()
        print(f"PyTorch accuracy on the {args.split} images: {accuracy * 100:.2f}%")
        recorded = metadata.get("test_accuracy")
        if recorded is not None and args.split == "t10k":
            if f"{accuracy:.4f}" != f"{float(recorded):.4f}":
                print(f"FAIL: the model's metadata records test accuracy {recorded}, PyTorch gets {accuracy:.4f}", file=sys.stderr)
                status = 1
            else:
                print(f"matches the test accuracy recorded in the model ({recorded})")
    print("OK" if status == 0 else "MISMATCH")
    return status


if __name__ == "__main__":
    sys.exit(main())
