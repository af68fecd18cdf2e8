import Backprop
import Foundation

/// The character set of the model: `.` (index 0) starts and ends every name, `a`–`z` are 1–26.
public enum Vocabulary {
    /// The characters by index.
    public static let characters = Array(".abcdefghijklmnopqrstuvwxyz")
    /// The number of characters (27).
    public static var size: Int { characters.count }
    /// The index of a character, or `nil` outside the vocabulary.
    public static func index(of c: Character) -> Int? { characters.firstIndex(of: c) }
}

/// A line of a names file that the model cannot read.
public struct NamesFileError: Error, CustomStringConvertible {
    /// What is wrong, with the file and line.
    public let description: String
}

/// A list of names split into training, development and test names (W8's rule).
public struct NamesData: Sendable {
    /// The names in file order.
    public let names: [String]
    /// The first 80 % of the shuffled names, then the next 10 %, then the rest.
    public let train: [String], dev: [String], test: [String]

    /// Reads one name a line (lowercase a–z; an empty last line is allowed).
    public static func load(file: URL) throws -> NamesData {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw NamesFileError(description: "cannot read \(file.path): \(error.localizedDescription)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for (number, line) in lines.enumerated() where line.isEmpty || line.contains(where: { $0 == "." || Vocabulary.index(of: $0) == nil }) {
            throw NamesFileError(description: "\(file.path), line \(number + 1): \(line.debugDescription) is not a name of lowercase letters a-z")
        }
        guard lines.count >= 10 else {
            throw NamesFileError(description: "\(file.path): \(lines.count) names; at least 10 are needed for the 80/10/10 split")
        }
        return NamesData(names: lines)
    }

    /// Splits `names` as W8 does: a Fisher–Yates permutation from `SplitMix64(seed)`, then
    /// train = the first ⌊8n/10⌋, dev = up to ⌊9n/10⌋, test = the rest.
    public init(names: [String], seed: UInt64 = 81) {
        self.names = names
        var generator = SplitMix64(seed: seed)
        let shuffled = generator.permutation(names.count).map { names[$0] }
        let n1 = 8 * names.count / 10, n2 = 9 * names.count / 10
        train = Array(shuffled[..<n1])
        dev = Array(shuffled[n1..<n2])
        test = Array(shuffled[n2...])
    }
}

/// (context, next character) pairs: for each name, the context starts as `[0, 0, 0]`; for each
/// character of name + `.`, the pair (context, its index) is emitted, then the context drops
/// its first entry and appends the index.
public struct Examples: Sendable {
    /// The contexts, `blockSize` indices per example, example-major.
    public let contexts: [Int]
    /// The character that follows each context.
    public let targets: [Int]
    /// Characters of context per example.
    public let blockSize: Int
    /// The number of examples.
    public var count: Int { targets.count }

    /// The examples of `names` in order.
    public init(_ names: [String], blockSize: Int = 3) {
        var contexts: [Int] = [], targets: [Int] = []
        for name in names {
            var context = [Int](repeating: 0, count: blockSize)
            for c in name + "." {
                let i = Vocabulary.index(of: c)!
                contexts += context
                targets.append(i)
                context = Array(context.dropFirst()) + [i]
            }
        }
        self.contexts = contexts
        self.targets = targets
        self.blockSize = blockSize
    }

    /// The contexts and targets of the examples at `rows`.
    public func batch(_ rows: [Int]) -> (contexts: [Int], targets: [Int]) {
        var c = [Int](), t = [Int]()
        c.reserveCapacity(rows.count * blockSize)
        t.reserveCapacity(rows.count)
        for r in rows {
            c.append(contentsOf: contexts[(r * blockSize)..<((r + 1) * blockSize)])
            t.append(targets[r])
        }
        return (c, t)
    }
}

/// The bundled names list.
public enum BundledNames {
    /// `names.txt` shipped with the example: `$BACKPROP_NAMES_FILE`; the SwiftPM resource
    /// bundle next to the executable; the source tree this file was compiled from.
    public static func file() -> URL? {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["BACKPROP_NAMES_FILE"] { candidates.append(URL(fileURLWithPath: path)) }
        var folders = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        for folder in folders {
            let bundle = folder.appendingPathComponent("Backprop_CharModelCore.resources")
            candidates += [bundle.appendingPathComponent("names.txt"), bundle.appendingPathComponent("Resources/names.txt")]
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/names.txt"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
