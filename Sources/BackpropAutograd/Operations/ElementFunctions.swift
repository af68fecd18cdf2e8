import Foundation
import BackpropTensor

extension Variable {
    /// `e^x`; `d e^x/dx = e^x`.
    public func exp() -> Variable {
        Variable.record("exp", value.exp(), inputs: [self], derivative: "d e^x/dx = e^x") { g, y in [g * y] }
    }

    /// Natural logarithm; `d ln x/dx = 1/x` (so the gradient at 0 is infinite, as in PyTorch).
    public func log() -> Variable {
        Variable.record("log", value.log(), inputs: [self], derivative: "d ln(x)/dx = 1/x") { g, _ in [g / self] }
    }

    /// `√x`; `d√x/dx = 1/(2√x)` (infinite at 0, as in PyTorch).
    public func sqrt() -> Variable {
        Variable.record("sqrt", value.sqrt(), inputs: [self], derivative: "d sqrt(x)/dx = 1/(2 sqrt(x))") { g, y in [g / (y * 2)] }
    }

    /// `|x|`; `d|x|/dx = sign(x)`, 0 at 0 (PyTorch's convention).
    public func abs() -> Variable {
        Variable.record("abs", value.abs(), inputs: [self], derivative: "d|x|/dx = sign(x)") { g, _ in
            [g.multiplied(byConstant: self.value.sign())]
        }
    }

    /// The error function `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`; `d erf(x)/dx = 2/√π e^(-x²)`.
    public func erf() -> Variable {
        Variable.record("erf", value.erf(), inputs: [self], derivative: "d erf(x)/dx = 2/sqrt(pi) e^(-x²)") { g, _ in
            [g * ((-self * self).exp() * (2 / Double.pi.squareRoot()))]
        }
    }

    /// Elementwise `cond ? a : b` for a constant 0/1 mask; gradients go to the chosen side.
    public static func select(_ mask: Tensor, _ a: Variable, _ b: Variable) -> Variable {
        let notMask = 1 - mask
        return a.multiplied(byConstant: mask) + b.multiplied(byConstant: notMask)
    }
}
