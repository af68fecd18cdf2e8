# Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2), written
# from the paper in NumPy float32 (torch has no Lion): the reference numbers of
# LionTests.lionMatchesTheNumPyReference for docs/custom-optimizer.md's Lion.
#   c = b1*m + (1-b1)*g;  w = w*(1 - lr*wd) - lr*sign(c);  m = b2*m + (1-b2)*g
import numpy as np

f = np.float32
lr, b1, b2, wd = f(0.1), f(0.9), f(0.99), f(0.1)
w = np.array([0.5, -1.2, 2.0], dtype=f)
m = np.zeros(3, dtype=f)
for g in [[1.0, -2.0, 0.5], [0.1, 0.2, -0.1], [0.05, -0.1, 3.0], [-0.3, 0.0, 0.2]]:
    g = np.array(g, dtype=f)
    c = b1 * m + (f(1) - b1) * g
    w = w * (f(1) - lr * wd) - lr * np.sign(c)
    m = b2 * m + (f(1) - b2) * g
    print([float(x) for x in w], [float(x) for x in m])
