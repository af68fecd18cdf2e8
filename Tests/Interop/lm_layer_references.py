#!/usr/bin/env python3
"""PyTorch float64 reference values for LanguageModelLayerTests.swift (embedding, layer norm,
scaled dot-product attention): forward values and the gradients of sum(out * u).

Inputs are exact binary fractions, the same on both sides:
    ramp(shape, seed)[i] = (((i * 37 + seed * 11) % 23) - 11) / 8     (row-major flat index i)
Usage: python lm_layer_references.py   (prints the Swift arrays pasted into the test)
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def ramp(shape, seed):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([(((i * 37 + seed * 11) % 23) - 11) / 8 for i in range(n)]).reshape(shape)


def show(name, t):
    print(f"    static let {name}: [Double] = [{', '.join(repr(float(v)) for v in t.detach().flatten())}]")


def grads(out, inputs, seed):
    (out * ramp(list(out.shape), seed)).sum().backward()
    return [x.grad for x in inputs]


# Embedding [7, 5], indices [[3, 0, 3], [6, 3, 1]], with and without padding_idx 3.
for name, padding in (("embedding", None), ("embeddingPadded", 3)):
    w = ramp([7, 5], 1).requires_grad_()
    out = F.embedding(torch.tensor([[3, 0, 3], [6, 3, 1]]), w, padding_idx=padding)
    (gw,) = grads(out, [w], 2)
    show(name + "Grad", gw)

# Layer norm over the last two axes of [3, 4, 5], and over the last axis of [2, 7] without affine.
x = (ramp([3, 4, 5], 3) * 1.5 + ramp([3, 4, 5], 4)).requires_grad_()
w = (ramp([4, 5], 5) + 2).requires_grad_()
b = ramp([4, 5], 6).requires_grad_()
out = F.layer_norm(x, [4, 5], w, b, eps=1e-5)
show("layerNormValue", out)
for n, g in zip(("X", "W", "B"), grads(out, [x, w, b], 7)):
    show("layerNormGrad" + n, g)
x = ramp([2, 7], 8).requires_grad_()
out = F.layer_norm(x, [7], eps=1e-5)
show("layerNormPlainValue", out)
show("layerNormPlainGrad", grads(out, [x], 9)[0])

# Attention: q [2, 3, 4], k [2, 5, 4], v [2, 5, 3] with an additive mask holding -inf;
# and causal self-attention on [2, 4, 4].
q, k, v = ramp([2, 3, 4], 10).requires_grad_(), ramp([2, 5, 4], 11).requires_grad_(), ramp([2, 5, 3], 12).requires_grad_()
mask = ramp([3, 5], 13) / 2
mask[0, 1] = mask[2, 4] = mask[1, 0] = float("-inf")
out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
show("attentionValue", out)
for n, g in zip(("Q", "K", "V"), grads(out, [q, k, v], 14)):
    show("attentionGrad" + n, g)
q, k, v = ramp([2, 4, 4], 15).requires_grad_(), ramp([2, 4, 4], 16).requires_grad_(), ramp([2, 4, 4], 17).requires_grad_()
out = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3)
show("causalValue", out)
for n, g in zip(("Q", "K", "V"), grads(out, [q, k, v], 18)):
    show("causalGrad" + n, g)
