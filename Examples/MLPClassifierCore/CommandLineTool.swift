import Foundation

/// The `main` of the classifier examples: parses the arguments, prints the usage or trains,
/// prints the result line last, and exits with status 2 and a one-line message on errors.
public enum CommandLineTool {
    /// Runs the tool named `name` on the process's arguments.
    public static func main(name: String, usage: String, parse: ([String]) throws(UsageError) -> Command,
                            run: (Options, (String) -> Void) throws -> RunResult) -> Never {
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("\(name): error: \(message)\n".utf8))
            exit(2)
        }
        let command: Command
        do {
            command = try parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail(error.message)
        }
        switch command {
        case .help:
            print(usage)
        case .train(let options):
            do {
                let result = try run(options) { print($0) }
                print(result.resultLine)
            } catch let error as UsageError {
                fail(error.message)
            } catch {
                fail(String(describing: error).replacingOccurrences(of: "\n", with: " "))
            }
        }
        exit(0)
    }
}
