// backprop-explorer: writes one self-contained HTML page (no server, no network) where a
// learner steps through a backward pass, trains small networks in a playground, and watches
// optimizers race over the comparison's surfaces. Every number on the page comes from the
// framework; the page itself only lays out and interpolates.
//
//   swift run -c release backprop-explorer [--out out/backprop-explorer.html] [--threads 2]
import ExplorerCore
import Foundation

var output = "out/backprop-explorer.html"
var threads = 2
var arguments = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("backprop-explorer: error: \(message)\n".utf8))
    exit(2)
}
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--help", "-h":
        print("""
            USAGE: backprop-explorer [--out FILE] [--threads N]
              --out FILE     where to write the page (default out/backprop-explorer.html)
              --threads N    training runs at once (default 2)
            Open the page in any browser (file://); it needs no network.
            """)
        exit(0)
    case "--out":
        guard let value = arguments.first else { fail("--out needs a file name") }
        output = value
        arguments.removeFirst()
    case "--threads":
        guard let value = arguments.first, let n = Int(value), n > 0 else { fail("--threads needs a positive integer") }
        threads = n
        arguments.removeFirst()
    default:
        fail("unknown option '\(argument)' (see --help)")
    }
}

let started = Date()
let data = ExplorerData(threads: threads)
let page: String
do { page = try data.html() } catch { fail("could not encode the page's data: \(error)") }
let url = URL(fileURLWithPath: output)
do {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(page.utf8).write(to: url, options: .atomic)
} catch {
    fail("could not write \(url.path): \(error.localizedDescription)")
}
print(String(format: "wrote %@ (%.1f MB): %d graphs, %d playground runs, %d race surfaces, in %.1f s",
             url.path, Double(page.utf8.count) / 1e6, data.graphs.count, data.runs.count, data.race.tracks.count,
             Date().timeIntervalSince(started)))
