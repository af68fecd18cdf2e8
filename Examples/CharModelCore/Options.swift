/// A mistake on the command line: a one-line message for the user.
public struct CharModelUsageError: Error, CustomStringConvertible, Equatable {
    /// The message, without the program name.
    public let description: String
    /// An error with this message.
    public init(_ message: String) { description = message }
}

/// What the command line can set; the defaults are workload W8.
public struct CharModelOptions: Equatable, Sendable {
    /// A names file (`--data`), one a line; `nil` is the bundled list.
    public var dataFile: String?
    /// SGD steps (`--steps`).
    public var steps = 20_000
    /// Examples per step, drawn with replacement (`--batch-size`).
    public var batchSize = 32
    /// The learning rate of the first half of the steps (`--lr`); the second half uses a tenth.
    public var learningRate = 0.1
    /// Names to sample after training (`--samples`).
    public var samples = 10
    /// Threads for the kernels (`--threads`); `nil` uses all cores.
    public var threads: Int?
    /// Where the model, the loss curve and the samples go (`--out`).
    public var outputDirectory = "out/char-model"
    /// Steps between progress lines (`--log-every`).
    public var logEvery = 1000

    /// W8's settings on the bundled names.
    public init() {}
}

/// The text `--help` prints.
public let charModelUsage = """
    char-model: a character-level MLP language model of first names (Bengio et al. 2003)

    USAGE: char-model [options]

    It reads names (one a line, lowercase a-z), splits them 80/10/10 into training, dev and test
    names, trains on (3 previous characters -> next character) examples with plain SGD, prints
    the training and dev loss, and samples new names. With no options it trains on the 5,163
    US Census 1990 first names that ship with Backprop (the benchmark workload W8).

    OPTIONS
      --data FILE        a names file, one name a line (default: the bundled list)
      --steps N          SGD steps of one random batch each (default 20000)
      --batch-size N     examples per step (default 32)
      --lr RATE          learning rate of the first half of the steps; the second half uses
                         a tenth of it (default 0.1)
      --samples N        names to sample after training (default 10)
      --threads N        threads for the kernels (default: all cores)
      --log-every N      steps between progress lines (default 1000)
      --out DIR          where to write model.safetensors, loss.svg and samples.txt
                         (default out/char-model, which git ignores)
      --help             show this text

    The last line printed is machine-readable, e.g.
      RESULT train_loss=1.891300 dev_loss=2.030911 steps=20000 train_seconds=2.10
    """

/// `nil` for `--help`, else the options. Throws for unknown flags and bad values.
public func parseCharModelArguments(_ arguments: [String]) throws(CharModelUsageError) -> CharModelOptions? {
    var options = CharModelOptions()
    var rest = arguments.makeIterator()
    while let flag = rest.next() {
        if flag == "--help" || flag == "-h" { return nil }
        guard let text = rest.next() else { throw CharModelUsageError("\(flag) needs a value (see --help)") }
        func count(minimum: Int = 1) throws(CharModelUsageError) -> Int {
            guard let n = Int(text), n >= minimum else { throw CharModelUsageError("\(flag) needs a whole number >= \(minimum), got '\(text)'") }
            return n
        }
        switch flag {
        case "--data": options.dataFile = text
        case "--steps": options.steps = try count()
        case "--batch-size": options.batchSize = try count()
        case "--samples": options.samples = try count(minimum: 0)
        case "--threads": options.threads = try count()
        case "--log-every": options.logEvery = try count()
        case "--out": options.outputDirectory = text
        case "--lr":
            guard let rate = Double(text), rate > 0, rate.isFinite else { throw CharModelUsageError("--lr needs a positive number, got '\(text)'") }
            options.learningRate = rate
        default: throw CharModelUsageError("unknown option \(flag) (see --help)")
        }
    }
    return options
}
