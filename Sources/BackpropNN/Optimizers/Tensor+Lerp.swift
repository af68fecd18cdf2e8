import BackpropTensor
import BackpropAutograd
extension Tensor {
    /// Linear interpolation from `self` towards `end`, PyTorch's `lerp(self, end, weight)`:
    /// `self + w (end - self)` for `|w| < ½`, else `end - (end - self)(1 - w)` (the form of its
    /// kernel, exact at both ends). Moving averages `m ← β m + (1-β) g` are `m.lerp(g, 1 - β)`.
    public func lerp(_ end: Tensor, weight w: Double) -> Tensor {
        Swift.abs(w) < 0.5 ? self + (end - self) * w : end - (end - self) * (1 - w)
    }
}
