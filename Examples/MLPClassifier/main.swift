// mlp-classifier: train an MLP on the bundled digits, MNIST-style IDX files or a CSV file.
// The work happens in MLPClassifierCore (so tests can run it); this file maps outcomes to exit codes.
import Foundation
import MLPClassifierCore

let arguments = Array(CommandLine.arguments.dropFirst())
let standardError = FileHandle.standardError

func fail(_ message: String) -> Never {
    standardError.write(Data("mlp-classifier: error: \(message)\n".utf8))
    exit(2)
}

let command: Command
do {
    command = try parseArguments(arguments)
} catch {
    fail(error.message)
}

switch command {
case .help:
    print(usage)
case .train(let options):
    do {
        let result = try MLPClassifier.run(options) { print($0) }
        print(result.resultLine)
    } catch let error as UsageError {
        fail(error.message)
    } catch {
        fail(String(describing: error).replacingOccurrences(of: "\n", with: " "))
    }
}
