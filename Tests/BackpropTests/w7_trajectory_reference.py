"""Reference values for W7TrajectoryTests.swift (PyTorch, float64).

W7's network (../shared/bench/WORKLOADS.md: conv 1->16 5x5 pad 2, ReLU, max-pool 2, conv 16->32
5x5 pad 2, ReLU, max-pool 2, flatten c*49+h*7+w, 1568->128, ReLU, 128->10) with W7's initial
parameters (SplitMix64(71), PyTorch's default law, drawn in float32 and widened to float64),
trained with W7's Adam(1e-3, (0.9, 0.999), 1e-8) in float64 on 20 synthetic 28x28 images: batches
of 8 shuffled by SplitMix64(72) with the Fisher-Yates rule of the workloads, so each epoch ends
with a batch of 4; 3 epochs, 9 steps. Prints the loss of every step and, after the last step,
two fingerprints (sum(t), sum(c * t)) of every parameter. In float64 a framework with W7's
semantics reproduces these to ~1e-12; a difference of semantics (init, shuffle, gather order,
last batch, loss reduction, pooling, flatten order, Adam's rule) shows at the step it enters.
Self-contained (no MNIST, no ../shared). Run: python Tests/BackpropTests/w7_trajectory_reference.py
"""
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self, lo, hi, shape):
        """U(lo, hi) as float32 (widened): lo + (hi - lo) * (next() >> 40) * 2^-24, rounded to float32."""
        n = math.prod(shape)
        u = torch.tensor([(self.next() >> 40) * 2.0**-24 for _ in range(n)], dtype=torch.float64)
        return (lo + (hi - lo) * u).to(torch.float32).to(torch.float64).reshape(shape)

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next() % (i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def images(n):
    """x[k, 0, r, c] = ((29r + 31c + 37k) mod 23) / 22 inside a box that depends on k, 0 outside."""
    x = torch.zeros(n, 1, 28, 28)
    for k in range(n):
        for r in range(4 + k % 5, 20 + k % 7):
            for c in range(6 + k % 3, 22 + k % 4):
                x[k, 0, r, c] = ((29 * r + 31 * c + 37 * k) % 23) / 22
    return x


def weights(n):
    return torch.tensor([float((i * 7) % 11 - 5) for i in range(n)])


def main():
    g = SplitMix64(71)
    layers = [torch.nn.Conv2d(1, 16, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
              torch.nn.Conv2d(16, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
              torch.nn.Flatten(), torch.nn.Linear(1568, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)]
    model = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for m in model:
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                fan_in = m.weight[0].numel()
                b = 1 / math.sqrt(fan_in)
                m.weight.copy_(g.uniform(-b, b, m.weight.shape))
                m.bias.copy_(g.uniform(-b, b, m.bias.shape))
    n = 20
    x, y = images(n), torch.tensor([(k * 7) % 10 for k in range(n)])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    shuffle = SplitMix64(72)
    losses = []
    for _ in range(3):
        perm = torch.tensor(shuffle.permutation(n))
        for s in range(0, n, 8):
            idx = perm[s:s + 8]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    print("losses:", ", ".join(f"{v!r}" for v in losses))
    for name, p in model.named_parameters():
        f = p.detach().flatten()
        print(f'("{name}", {float(f.sum())!r}, {float((f * weights(f.numel())).sum())!r}),')


if __name__ == "__main__":
    main()
