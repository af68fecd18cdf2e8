// mlp-classifier: train an MLP on the bundled digits, MNIST-style IDX files or a CSV file.
// The work happens in MLPClassifierCore (so tests can run it); this file only starts it.
import MLPClassifierCore

CommandLineTool.main(name: "mlp-classifier", usage: usage, parse: parseArguments, run: MLPClassifier.run)
