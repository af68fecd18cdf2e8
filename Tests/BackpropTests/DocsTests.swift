import Foundation
import Testing

// Every ```swift block in docs/**/*.md is compiled and run by the tests in
// DocsTestsSnippets.swift, which is generated from the markdown by `DocSnippets.generate`.
// `generatedSnippetTestsAreUpToDate` fails when the markdown changed and the generated file
// was not regenerated, so docs and tests cannot drift apart.
//
// Regenerate with scripts/extract-doc-snippets.sh (it runs
// `REGENERATE_DOC_SNIPPETS=1 swift test --filter DocsTests`).
//
// The words after `swift` in a block's info string say how the block is used:
//   ```swift                 its own test function (its own scope), run
//   ```swift continues       appended to the previous block of the same file (same scope)
//   ```swift top-level       declarations put at file scope (extensions), compiled
//   ```swift compile-only    compiled but not run (needs a dataset or minutes of training)
//   ```swift skip            not compiled: only while an API it uses is not merged yet
// A ```text output block checks what the previous swift block printed.

/// The snippets of the documentation and the Swift test file made from them.
enum DocSnippets {
    struct Block {
        var file: String          // relative to the package root
        var line: Int             // of the opening fence, from 1
        var words: Set<String>    // info-string words after `swift`
        var code: String
        var output: String?
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generatedFile = packageRoot.appendingPathComponent("Tests/BackpropTests/DocsTestsSnippets.swift")
    static let skipWords: Set<String> = ["skip", "manifest"]
    static let knownWords = skipWords.union(["continues", "top-level", "compile-only"])

    /// The DocC catalog's articles, whose snippets are tested like the docs'.
    static let doccCatalog = "Sources/Backprop/Backprop.docc"

    /// The top-level README, then the markdown files under docs/, sorted by path, translations
    /// (docs/ko/...) last, then the articles of the DocC catalog.
    static func markdownFiles() throws -> [String] {
        let docs = packageRoot.appendingPathComponent("docs")
        guard let enumerator = FileManager.default.enumerator(atPath: docs.path) else { return [] }
        func isTranslation(_ path: String) -> Int { path.split(separator: "/").first?.count == 2 ? 1 : 0 }
        let articles = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent(doccCatalog).path)) ?? []
        return ["README.md"] + enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") }
            .sorted { (isTranslation($0), $0) < (isTranslation($1), $1) }.map { "docs/" + $0 }
            + articles.filter { $0.hasSuffix(".md") }.sorted().map { doccCatalog + "/" + $0 }
    }

    /// The ```swift blocks of one markdown text, each with the ```text output block after it.
    static func blocks(in text: String, file: String) -> [Block] {
        var blocks: [Block] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        while i < lines.count {
            let line = lines[i]
            guard line.hasPrefix("```") else { i += 1; continue }
            let info = line.dropFirst(3).split(separator: " ").map(String.init)
            var body: [String] = []
            var j = i + 1
            while j < lines.count && !lines[j].hasPrefix("```") { body.append(lines[j]); j += 1 }
            let code = body.joined(separator: "\n")
            if info.first == "swift" {
                blocks.append(Block(file: file, line: i + 1, words: Set(info.dropFirst()), code: code, output: nil))
            } else if info == ["text", "output"], !blocks.isEmpty {
                blocks[blocks.count - 1].output = code
            }
            i = j + 1
        }
        return blocks
    }

    /// A block's code without its `import` lines (the generated file imports what docs use).
    static func code(_ block: Block) -> String {
        block.code.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("import ") }.joined(separator: "\n")
            .trimmingCharacters(in: .newlines)
    }

    static func identifier(_ block: Block) -> String {
        let name = block.file.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        return "\(name)_line\(block.line)"
    }

    static func indented(_ text: String, by prefix: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : prefix + $0 }.joined(separator: "\n")
    }

    /// A Swift string literal (multi-line, raw) holding `text`.
    static func literal(_ text: String, indent: String) -> String {
        "##\"\"\"\n" + indented(text, by: indent) + "\n" + indent + "\"\"\"##"
    }

    /// The contents DocsTestsSnippets.swift should have for the current docs.
    static func generate() throws -> String {
        var blocks: [Block] = []
        for file in try markdownFiles() {
            let text = try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
            blocks += self.blocks(in: text, file: file)
        }
        // Merge `continues` blocks into the block before them in the same file: one scope.
        var merged: [[Block]] = []
        for block in blocks {
            if block.words.contains("continues"), let last = merged.last?.first, last.file == block.file,
               !last.words.contains("top-level") {
                merged[merged.count - 1].append(block)
            } else {
                merged.append([block])
            }
        }
        func isSkipped(_ parts: [Block]) -> Bool { parts.contains { !$0.words.isDisjoint(with: skipWords) } }

        var out = """
        // GENERATED from the ```swift blocks of docs/**/*.md by DocsTests.swift. Do not edit:
        // change the markdown, then run scripts/extract-doc-snippets.sh.
        import Foundation
        import Testing
        import Backprop

        /// What the snippets print is captured (and compared with their ```text output blocks).
        fileprivate func print(_ items: Any..., separator: String = " ", terminator: String = "\\n") {
            DocOutput.write(items.map { "\\($0)" }.joined(separator: separator) + terminator)
        }

        """
        let skipped = merged.filter(isSkipped)
        if !skipped.isEmpty {
            out += "\n// Not compiled yet (the APIs they use are not merged yet):\n"
            for parts in skipped { out += "// - " + parts.map { "\($0.file):\($0.line)" }.joined(separator: ", ") + "\n" }
        }
        // A snippet identical to one already generated (the translations repeat the English
        // code) is tested once; the comment says where.
        var active: [[Block]] = []
        var seen: [String: Block] = [:]
        var repeats: [(Block, Block)] = []
        for parts in merged where !isSkipped(parts) {
            let key = parts.map { "\($0.words.sorted())\n\(code($0))\n\($0.output ?? "-")" }.joined(separator: "\n---\n")
            if let first = seen[key] { repeats.append((parts[0], first)); continue }
            seen[key] = parts[0]
            active.append(parts)
        }
        if !repeats.isEmpty {
            out += "\n// Identical to a snippet tested below:\n"
            for (block, first) in repeats { out += "// - \(block.file):\(block.line) = \(first.file):\(first.line)\n" }
        }
        for parts in active where parts[0].words.contains("top-level") {
            out += "\n// \(parts[0].file):\(parts[0].line)\n\(code(parts[0]))\n"
        }
        out += "\n@Suite(\"Docs snippets\")\nstruct DocsSnippetTests {\n"
        for parts in active where !parts[0].words.contains("top-level") {
            let name = identifier(parts[0])
            if parts[0].words.contains("compile-only") {
                out += "    /// Compiled, not run.\n    func \(name)() throws {\n"
                out += parts.map { indented(code($0), by: "        ") }.joined(separator: "\n\n") + "\n    }\n\n"
                continue
            }
            out += "    @Test(\"\(parts[0].file):\(parts[0].line)\") func \(name)() throws {\n"
            // `try` only where a snippet throws: an unneeded one is a compiler warning.
            let throwing = parts.contains { code($0).contains("try ") }
            out += "        \(throwing ? "try " : "")DocOutput.run(\"\(name)\") {\n"
            for (index, part) in parts.enumerated() {
                if index > 0 { out += "\n            // \(part.file):\(part.line)\n" }
                out += indented(code(part), by: "            ") + "\n"
                // What this part printed, checked against its ```text output block if it has one.
                if let output = part.output {
                    out += "            #expect(DocOutput.take() == DocOutput.trimmed(" + literal(output, indent: "            ") + "))\n"
                } else {
                    out += "            _ = DocOutput.take()\n"
                }
            }
            out += "        }\n    }\n\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        out += "}\n"
        return out
    }
}

/// Collects what a snippet prints, per task, so snippets can run in parallel.
enum DocOutput {
    final class Buffer: @unchecked Sendable {
        let name: String
        private let lock = NSLock()
        private var text = ""
        private var parts = 0
        init(name: String) { self.name = name }
        func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
        func take() -> (String, Int) {
            lock.lock(); defer { lock.unlock() }
            defer { text = ""; parts += 1 }
            return (text, parts + 1)
        }
    }
    @TaskLocal static var current: Buffer?

    static func write(_ s: String) { current?.append(s) }

    /// Runs a snippet with its prints captured.
    static func run(_ name: String, _ body: () throws -> Void) rethrows {
        try $current.withValue(Buffer(name: name)) { try body() }
    }

    /// What the snippet printed since the last call, trimmed. With `DOC_SNIPPETS_PRINT_DIR`
    /// set, also writes it to `<dir>/<snippet>-<n>.txt` (handy for writing ```text output blocks).
    static func take() -> String {
        guard let buffer = current else { return "" }
        let (text, part) = buffer.take()
        if let directory = ProcessInfo.processInfo.environment["DOC_SNIPPETS_PRINT_DIR"] {
            try? Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("\(buffer.name)-\(part).txt"))
        }
        return trimmed(text)
    }

    /// Lines without trailing spaces, and no trailing empty lines.
    static func trimmed(_ s: String) -> String {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

@Suite("Docs")
struct DocsTests {
    @Test func generatedSnippetTestsAreUpToDate() throws {
        let expected = try DocSnippets.generate()
        if ProcessInfo.processInfo.environment["REGENERATE_DOC_SNIPPETS"] == "1" {
            try Data(expected.utf8).write(to: DocSnippets.generatedFile, options: .atomic)
            return
        }
        let current = try? String(contentsOf: DocSnippets.generatedFile, encoding: .utf8)
        #expect(current == expected, "Tests/BackpropTests/DocsTestsSnippets.swift is out of date with docs/: run scripts/extract-doc-snippets.sh")
    }

    /// A misspelt word (`swift continue`) would silently change how a snippet is tested.
    @Test func snippetInfoWordsAreKnown() throws {
        for file in try DocSnippets.markdownFiles() {
            let text = try String(contentsOf: DocSnippets.packageRoot.appendingPathComponent(file), encoding: .utf8)
            for block in DocSnippets.blocks(in: text, file: file) {
                let unknown = block.words.subtracting(DocSnippets.knownWords)
                #expect(unknown.isEmpty, "\(file):\(block.line): unknown word(s) \(unknown.sorted()) after ```swift")
            }
        }
    }

    @Test func parserFindsBlocksWordsAndOutputs() {
        let markdown = """
        Text.
        ```swift
        let a = 1
        ```
        ```text output
        1
        ```
        ```swift continues skip
        print(a)
        ```
        ```sh
        swift test
        ```
        """
        let blocks = DocSnippets.blocks(in: markdown, file: "docs/x.md")
        #expect(blocks.count == 2)
        #expect(blocks[0].line == 2 && blocks[0].code == "let a = 1" && blocks[0].output == "1")
        #expect(blocks[1].words == ["continues", "skip"] && blocks[1].output == nil)
    }

    @Test func markdownFilesAreFoundIncludingTranslations() throws {
        let files = try DocSnippets.markdownFiles()
        #expect(files.contains("docs/README.md"))
        #expect(files.contains("docs/custom-operations.md"))
        #expect(files.contains { $0.hasPrefix("docs/ko/") })
    }

    /// The files docs/architecture.md names (`Sources/…/X.swift` and the like) exist.
    @Test func architectureNamesRealFiles() throws {
        let text = try String(contentsOf: DocSnippets.packageRoot.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"`((?:Sources|Tests|Examples|docs|scripts)/[^`\s]+\.(?:swift|c|h|md|sh))`"#)
        let paths = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
            .map { String(text[Range($0.range(at: 1), in: text)!]) }
        #expect(paths.count > 20)
        for path in paths {
            #expect(FileManager.default.fileExists(atPath: DocSnippets.packageRoot.appendingPathComponent(path).path),
                    "docs/architecture.md names \(path), which does not exist")
        }
    }

    /// Relative links between the docs (`[text](other.md)`) and pictures (`![text](x.svg)`)
    /// point at files that exist.
    @Test func relativeLinksResolve() throws {
        let pattern = try NSRegularExpression(pattern: #"\]\(([^)#:\s]+\.(?:md|svg|png))(#[^)]*)?\)"#)
        for file in try DocSnippets.markdownFiles() {
            let url = DocSnippets.packageRoot.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let target = String(text[Range(match.range(at: 1), in: text)!])
                let resolved = url.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL
                #expect(FileManager.default.fileExists(atPath: resolved.path), "\(file) links to \(target), which does not exist")
            }
        }
    }
}
