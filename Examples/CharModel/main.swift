// char-model: a character-level MLP language model trained on first names (workload W8).
// The work happens in CharModelCore (so tests can run it); this file maps outcomes to exit codes.
import CharModelCore
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("char-model: error: \(message)\n".utf8))
    exit(2)
}

do {
    guard let options = try parseCharModelArguments(Array(CommandLine.arguments.dropFirst())) else {
        print(charModelUsage)
        exit(0)
    }
    let result = try CharModelRun.run(options) { print($0) }
    print(result.resultLine)
} catch let error as CharModelUsageError {
    fail(error.description)
} catch {
    fail(String(describing: error))
}
