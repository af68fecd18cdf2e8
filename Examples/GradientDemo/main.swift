// The gradient of a small expression, printed: f(x, y) = tanh(x·y + y²).
//
//   swift run gradient-demo
import Backprop
import Foundation

if CommandLine.arguments.count > 1 {
    let asked = ["--help", "-h"].contains(CommandLine.arguments[1])
    print("USAGE: gradient-demo\n  Prints f(x, y) = tanh(x·y + y²) and a small tensor expression with their gradients.")
    if !asked { print("unknown argument '\(CommandLine.arguments[1])'") }
    exit(asked ? 0 : 1)
}

let x = Variable(0.5, requiresGrad: true, label: "x")
let y = Variable(-1.5, requiresGrad: true, label: "y")
let f = (x * y + y * y).tanh()
f.backward()

print("f(x, y) = tanh(x·y + y²) at x = 0.5, y = -1.5")
print("f      =", f.item())
print("df/dx  =", x.grad!.item(), "  (= (1 - f²) · y)")
print("df/dy  =", y.grad!.item(), "  (= (1 - f²) · (x + 2y))")

let a = Variable(Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3]), requiresGrad: true, label: "A")
let b = Variable(Tensor([0.5, -1, 2] as [Float], shape: [3]), requiresGrad: true, label: "b")
let loss = (a * b).relu().sum()
loss.backward()
print("\nΣ relu(A ⊙ b) =", loss.item())
print("∂/∂A:", a.grad!)
print("∂/∂b:", b.grad!)
