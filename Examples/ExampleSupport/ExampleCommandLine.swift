import Foundation

/// The command line of a small example program: `--help`, options that take a value, and
/// mistakes that end the program with status 2 and one line on standard error.
///
/// ```swift
/// let commandLine = ExampleCommandLine(program: "my-example")
/// var epochs = 20
/// commandLine.parse(usage: "USAGE: my-example [--epochs N]") { option, value in
///     switch option {
///     case "--epochs": epochs = commandLine.positiveInteger(value("a positive integer"), for: option)
///     default: return false
///     }
///     return true
/// }
/// ```
public struct ExampleCommandLine: Sendable {
    /// The program's name, which starts every error message.
    public let program: String

    public init(program: String) { self.program = program }

    /// Prints `program: error: message` to standard error and exits with status 2.
    public func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(program): error: \(message)\n".utf8))
        exit(2)
    }

    /// Walks the process's arguments. `--help` and `-h` print `usage` and exit 0; every other
    /// argument goes to `handle` with a function that takes the option's value (failing with
    /// "OPTION needs WHAT" when there is none). `handle` returns `false` for an unknown option.
    public func parse(usage: @autoclosure () -> String,
                      _ handle: (_ option: String, _ value: (_ what: String) -> String) -> Bool) {
        var arguments = Array(CommandLine.arguments.dropFirst())
        while !arguments.isEmpty {
            let argument = arguments.removeFirst()
            if argument == "--help" || argument == "-h" {
                print(usage())
                exit(0)
            }
            let known = handle(argument) { what in
                guard !arguments.isEmpty else { fail("\(argument) needs \(what)") }
                return arguments.removeFirst()
            }
            if !known { fail("unknown option '\(argument)' (see --help)") }
        }
    }

    /// `text` as a positive integer, or a failure naming `option`.
    public func positiveInteger(_ text: String, for option: String) -> Int {
        guard let n = Int(text), n > 0 else { fail("\(option) needs a positive integer") }
        return n
    }
}
