// train-digits: the README's training loop as a program. An MLP learns the 8x8 digits bundled
// with the repository: forward, loss, zero the gradients, backward, step; then the test accuracy.
//
//   swift run -c release train-digits
import Backprop
import Foundation
import MLPClassifierCore

if CommandLine.arguments.count > 1 {
    print("USAGE: train-digits\n  Trains 64-128-10 (ReLU, Adam) on the bundled 8x8 digits for 30 epochs; prints the test accuracy.")
    exit(["--help", "-h"].contains(CommandLine.arguments[1]) ? 0 : 1)
}

var generator = SplitMix64(seed: 1)
let model = Sequential(
    Linear(inputSize: 64, outputSize: 128, generator: &generator), ReLU(),
    Linear(inputSize: 128, outputSize: 10, generator: &generator))
let optimizer = Adam(parameters: model.parameters, lr: 2e-3)

let (train, test) = try MNIST.load(directory: BundledData.digitsDirectory()!)   // pixels scaled to [0, 1]
let loader = DataLoader(train, batchSize: 32, shuffle: true, seed: 2)            // a new shuffle each epoch
for epoch in 1...30 {
    var total = 0.0
    for batch in loader {
        let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
        optimizer.zeroGrad()   // gradients accumulate: clear the last step's
        loss.backward()        // d loss / d every parameter
        optimizer.step()       // move each parameter against its gradient
        total += loss.item(as: Double.self)
    }
    if epoch % 10 == 0 { print("epoch \(epoch): mean training loss \(total / Double(loader.batchCount))") }
}
model.eval()
let logits = withNoGrad { model(Variable(test.inputs)) }
print("test accuracy:", accuracy(logits: logits.value, labels: test.labels))
