// gradient-descent-variants: batch, mini-batch and stochastic gradient descent on the 8x8
// digits, the same network and the same number of examples seen. Draws the training loss
// against examples seen and against wall-clock time (batch-vs-minibatch.svg in the --out folder;
// scripts/regenerate-doc-images.sh refreshes the copy in docs/images).
//
//   swift run -c release gradient-descent-variants [--out out/gradient-descent-variants] [--epochs 20]
import Backprop
import ExampleSupport
import Foundation
import MLPClassifierCore

/// One way to cut the training set into steps.
struct Variant {
    let name: String
    /// Examples per step; the whole set for batch gradient descent.
    let batchSize: Int
    /// Roughly the largest stable rate for that batch size (smaller batches: noisier steps,
    /// so smaller rates).
    let learningRate: Double
}

var outputDirectory = "out/gradient-descent-variants"
var epochs = 20
let commandLine = ExampleCommandLine(program: "gradient-descent-variants")
commandLine.parse(usage: "USAGE: gradient-descent-variants [--out DIR (default out/gradient-descent-variants)] [--epochs N (default 20)]") { option, value in
    switch option {
    case "--out": outputDirectory = value("a directory")
    case "--epochs": epochs = commandLine.positiveInteger(value("a positive integer"), for: option)
    default: return false
    }
    return true
}

let train: TensorDataset, test: TensorDataset
do {
    (train, test, _) = try MLPClassifier.loadData(.bundledDigits, seed: 1)
} catch {
    commandLine.fail("\(error)")
}
let n = train.count
let variants = [
    Variant(name: "batch (all \(n) per step)", batchSize: n, learningRate: 0.5),
    Variant(name: "mini-batch (32 per step)", batchSize: 32, learningRate: 0.3),
    Variant(name: "stochastic (1 per step)", batchSize: 1, learningRate: 0.03),
]

/// The mean cross-entropy over a whole data set.
func fullLoss(_ model: Sequential, _ data: TensorDataset) -> Double {
    withNoGrad {
        let batch = data.batch(Array(0..<data.count))
        return crossEntropy(model(Variable(batch.inputs)), classes: batch.labels).item(as: Double.self)
    }
}

var bySamples = SVGPlot(title: "Training loss against examples seen", xLabel: "examples seen (epochs × \(n))",
                        yLabel: "training loss (cross-entropy)", logScaleY: true, width: 620, height: 420)
var byTime = SVGPlot(title: "Training loss against time", xLabel: "seconds (evaluation excluded)",
                     yLabel: "training loss (cross-entropy)", logScaleY: true, width: 620, height: 420)

print("64-64-10 ReLU MLP, plain SGD, \(epochs) epochs (\(epochs * n) examples) each, same initialisation and shuffles")
print("variant                          lr     steps   final train loss   test accuracy   seconds")
for variant in variants {
    let model = MLPClassifier.makeModel(inputSize: 64, hidden: [64], classes: 10, seed: 1)
    let optimizer = SGD(parameters: model.parameters, lr: variant.learningRate)
    let loader = DataLoader(train, batchSize: variant.batchSize, shuffle: true, seed: 2)
    // Measure about 20 times per epoch (at least once per step).
    let every = max(1, n / 20)
    var seen = 0, nextMeasure = 0, steps = 0, seconds = 0.0
    var samples: [Double] = [], times: [Double] = [], losses: [Double] = []
    func measure() {
        samples.append(Double(seen)); times.append(seconds); losses.append(fullLoss(model, train))
    }
    measure()
    for _ in 0..<epochs {
        for batch in loader {
            let start = ProcessInfo.processInfo.systemUptime
            let loss = crossEntropy(model(Variable(batch.inputs)), classes: batch.labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            seconds += ProcessInfo.processInfo.systemUptime - start
            seen += batch.count
            steps += 1
            if seen >= nextMeasure { measure(); nextMeasure = seen + every }
        }
    }
    if samples.last != Double(seen) { measure() }
    let (_, confusion) = MLPClassifier.evaluate(model, on: test, classCount: 10)
    bySamples.addSeries(variant.name, x: samples, y: losses)
    byTime.addSeries(variant.name, x: times, y: losses)
    print(variant.name.padding(toLength: 33, withPad: " ", startingAt: 0)
          + String(format: "%-7g%-8d%-19.4f%-16.2f%.2f", variant.learningRate, steps, losses.last!, confusion.accuracy * 100, seconds))
}

let url = URL(fileURLWithPath: outputDirectory).appendingPathComponent("batch-vs-minibatch.svg")
do {
    try SVGPlot.writeSideBySide([bySamples, byTime], to: url)
} catch {
    commandLine.fail("could not write \(url.path): \(error)")
}
print("wrote \(url.path)")
