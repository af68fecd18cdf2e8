import Foundation
import MLPClassifierCore
import Testing

/// The example executables built next to the test bundle, run as a user runs them.
enum ExampleProcess {
    /// The built executable named `name`, if the build made it.
    static func executable(_ name: String) -> URL? {
        guard let folder = Bundle.main.executableURL?.deletingLastPathComponent() else { return nil }
        let url = folder.appendingPathComponent(name)
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// Runs `name arguments...` (in `folder`, if given); returns its exit status, standard
    /// output and standard error.
    static func run(_ name: String, _ arguments: [String], in folder: URL? = nil) throws
        -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = try #require(executable(name), "the \(name) executable was not built")
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        // Standard error goes to a file, so a full pipe can never block the child.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                try String(contentsOf: errorFile, encoding: .utf8))
    }
}

/// What every example promises on the command line: `--help` prints a usage text and exits 0,
/// and files go into `out/` under the working folder, never anywhere else (e.g. `docs/`).
@Suite struct ExampleCommandLineTests {
    /// The example and benchmark executables, built next to the test bundle.
    static let products = ["gradient-demo", "train-digits", "mlp-classifier", "optimizer-comparison",
                           "gradient-descent-variants", "benchmarks", "backprop-explorer"]

    /// Every file under `folder`, as paths relative to it.
    static func files(under folder: URL) -> [String] {
        let root = folder.resolvingSymlinksInPath().path
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        return (enumerator?.allObjects as? [URL] ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .map { String($0.resolvingSymlinksInPath().path.dropFirst(root.count + 1)) }
    }

    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("example-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: products)
    func helpPrintsUsageAndExitsZero(product: String) throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output, _) = try ExampleProcess.run(product, ["--help"], in: folder)
        #expect(status == 0, "\(product) --help exited with \(status)")
        #expect(output.lowercased().contains("usage"), "\(product) --help printed: \(output)")
        #expect(Self.files(under: folder).isEmpty, "\(product) --help wrote files")
    }

    /// gradient-descent-variants (one epoch) writes its picture into out/ and nowhere else.
    @Test func picturesGoIntoOut() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, _, _) = try ExampleProcess.run("gradient-descent-variants", ["--epochs", "1"], in: folder)
        #expect(status == 0)
        #expect(Self.files(under: folder) == ["out/gradient-descent-variants/batch-vs-minibatch.svg"])
    }

    @Test func classifierWritesIntoOutByDefault() {
        #expect(Options().outputDirectory == "out/mlp-classifier")
    }
}
