"""Reference values for CNNReferenceTests.swift (PyTorch, float64).

Each case builds its inputs from a fixed integer pattern (exact in float64, so Swift builds the
same numbers), computes y = f(inputs) and L = sum(c * y) with fixed weights c, and prints two
fingerprints, (sum(c * t), sum(t * t)), for y and for the gradient of L with respect to each
input. Run: python Tests/BackpropTests/cnn_reference.py
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def pattern(shape, seed, mod=17, scale=8.0):
    n = 1
    for s in shape:
        n *= s
    i = torch.arange(n, dtype=torch.int64)
    return ((((i * 37 + seed * 11) % mod) - mod // 2).double() / scale).reshape(shape)


def weights(n):
    i = torch.arange(n, dtype=torch.int64)
    return ((i * 7) % 11 - 5).double()


def fingerprint(t):
    f = t.flatten()
    return [float((f * weights(f.numel())).sum()), float((f * f).sum())]


def bn2d_train(x, w, b):
    """nn.BatchNorm2d in training mode (momentum 0.1), then a second batch x * 2 + 1."""
    running_mean, running_var = torch.zeros(x.shape[1]), torch.ones(x.shape[1])
    y = F.batch_norm(x, running_mean, running_var, w, b, training=True)
    with torch.no_grad():
        F.batch_norm(x * 2 + 1, running_mean, running_var, w, b, training=True)
    return y, running_mean, running_var


CASES = {
    "conv": ([[2, 3, 7, 6], [4, 3, 3, 2], [4]], lambda x, w, b: F.conv2d(x, w, b)),
    "convStridePadDilationGroups": ([[2, 4, 9, 8], [6, 2, 3, 3], [6]],
                                    lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)),
    "convDepthwise": ([[1, 3, 6, 7], [6, 1, 3, 3]], lambda x, w: F.conv2d(x, w, stride=2, padding=1, groups=3)),
    "convSameEvenKernel": ([[1, 2, 5, 6], [3, 2, 4, 2]], lambda x, w: F.conv2d(x, w, padding="same", dilation=(1, 2))),
    "convOneByOneStride3": ([[2, 5, 8, 7], [3, 5, 1, 1], [3]], lambda x, w, b: F.conv2d(x, w, b, stride=3)),
    "maxPool": ([[2, 3, 7, 9]], lambda x: F.max_pool2d(x, 2)),
    "maxPoolPadCeil": ([[2, 3, 7, 9]], lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)),
    "maxPoolRect": ([[1, 2, 8, 7]], lambda x: F.max_pool2d(x, (2, 3), stride=(3, 1), padding=(1, 0))),
    "avgPoolPadCeil": ([[2, 3, 7, 9]], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)),
    "avgPoolPadCeilExcludePad": ([[2, 3, 7, 9]], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                                                        count_include_pad=False)),
    "avgPoolRect": ([[1, 2, 8, 7]], lambda x: F.avg_pool2d(x, (2, 3), stride=(1, 2))),
    "adaptiveAvgPool": ([[2, 3, 7, 9]], lambda x: F.adaptive_avg_pool2d(x, (3, 4))),
    "adaptiveAvgPoolGlobal": ([[2, 3, 7, 9]], lambda x: F.adaptive_avg_pool2d(x, 1)),
    "adaptiveAvgPoolUpsample": ([[1, 2, 3, 5]], lambda x: F.adaptive_avg_pool2d(x, (5, 7))),
    "groupNorm": ([[2, 6, 3, 5], [6], [6]], lambda x, w, b: F.group_norm(x, 3, w, b)),
    "batchNorm2dTraining": ([[3, 4, 5, 2], [4], [4]], lambda x, w, b: bn2d_train(x, w, b)[0]),
}

# Tied inputs for max-pooling (integers in -2...2): the first maximum in row-major order wins.
TIES = {"maxPool", "maxPoolPadCeil", "maxPoolRect"}

if __name__ == "__main__":
    for name, (shapes, f) in CASES.items():
        inputs = [pattern(s, k + 1, mod=5, scale=1.0) if name in TIES else pattern(s, k + 1)
                  for k, s in enumerate(shapes)]
        for t in inputs:
            t.requires_grad_(True)
        y = f(*inputs)
        (y.flatten() * weights(y.numel())).sum().backward()
        prints = [fingerprint(y.detach())] + [fingerprint(t.grad) for t in inputs]
        body = ", ".join(f"[{a!r}, {b!r}]" for a, b in prints)
        print(f'("{name}", {list(y.shape)}, [{body}]),')
    # BatchNorm2d's running statistics after two training batches, then its evaluation output.
    x, w, b = pattern([3, 4, 5, 2], 1), pattern([4], 2), pattern([4], 3)
    _, running_mean, running_var = bn2d_train(x, w, b)
    print("running_mean", running_mean.tolist())
    print("running_var", running_var.tolist())
    print("eval", fingerprint(F.batch_norm(x, running_mean, running_var, w, b, training=False)))
