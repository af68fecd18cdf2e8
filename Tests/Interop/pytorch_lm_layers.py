#!/usr/bin/env python3
"""Loads a Backprop model made of Embedding, LayerNorm and Linear layers into the PyTorch module
of the same structure and checks that it computes the same outputs.

Usage: pytorch_lm_layers.py MODEL IO
  MODEL  safetensors state dict of nn.Sequential(nn.Embedding(V, D), nn.LayerNorm([T, D]),
         nn.Linear(D, O)) as Backprop's Sequential(Embedding, LayerNorm, Linear) names it
         ("0.weight", "1.weight", "1.bias", "2.weight", "2.bias"); the sizes come from the shapes.
  IO     safetensors with "indices" ([N, T], whole numbers stored as floats) and "output"
         ([N, T, O], what Backprop computed).
Loads with load_state_dict(strict=True) (every name present, no extra names, every shape equal),
then compares in float32. Exit status 0 when max |torch - backprop| <= 1e-5, 1 otherwise,
2 on bad input. Used by Tests/BackpropTests/LanguageModelInteropTests.swift.
"""
import sys

import torch
from safetensors.torch import load_file


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    state, io = load_file(sys.argv[1]), load_file(sys.argv[2])
    vocab, width = state["0.weight"].shape
    normalized = list(state["1.weight"].shape)
    out_features = state["2.weight"].shape[0]
    model = torch.nn.Sequential(torch.nn.Embedding(vocab, width), torch.nn.LayerNorm(normalized),
                                torch.nn.Linear(width, out_features))
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        got = model(io["indices"].long())
    want = io["output"]
    if got.shape != want.shape:
        print(f"pytorch_lm_layers.py: torch output {list(got.shape)}, backprop {list(want.shape)}", file=sys.stderr)
        sys.exit(1)
    diff = (got - want).abs().max().item()
    print(f"max |torch - backprop| = {diff:.3g}")
    sys.exit(0 if diff <= 1e-5 else 1)


if __name__ == "__main__":
    main()
