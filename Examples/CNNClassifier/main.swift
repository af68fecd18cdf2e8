// cnn-classifier: train a small CNN on the bundled 8x8 digits or MNIST-style IDX files.
// The work happens in MLPClassifierCore (CNNClassifier.swift, so tests can run it).
import MLPClassifierCore

CommandLineTool.main(name: "cnn-classifier", usage: CNNClassifier.usage, parse: CNNClassifier.parse, run: CNNClassifier.run)
