// backprop-explorer: writes one self-contained HTML page (no server, no network) where a
// learner steps through a backward pass, trains small networks in a playground, and watches
// optimizers race over the comparison's surfaces. Every number on the page comes from the
// framework; the page itself only lays out and interpolates.
//
//   swift run -c release backprop-explorer [--out out/backprop-explorer.html] [--threads 2]
import ExampleSupport
import ExplorerCore
import Foundation

var output = "out/backprop-explorer.html"
var threads = 2
let commandLine = ExampleCommandLine(program: "backprop-explorer")
commandLine.parse(usage: """
    USAGE: backprop-explorer [--out FILE] [--threads N]
      --out FILE     where to write the page (default out/backprop-explorer.html)
      --threads N    training runs at once (default 2)
    Open the page in any browser (file://); it needs no network.
    """) { option, value in
    switch option {
    case "--out": output = value("a file name")
    case "--threads": threads = commandLine.positiveInteger(value("a positive integer"), for: option)
    default: return false
    }
    return true
}

let started = Date()
let data = ExplorerData(threads: threads)
let page: String
do { page = try data.html() } catch { commandLine.fail("could not encode the page's data: \(error)") }
let url = URL(fileURLWithPath: output)
do {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(page.utf8).write(to: url, options: .atomic)
} catch {
    commandLine.fail("could not write \(url.path): \(error.localizedDescription)")
}
print(String(format: "wrote %@ (%.1f MB): %d graphs, %d playground runs, %d race surfaces, in %.1f s",
             url.path, Double(page.utf8.count) / 1e6, data.graphs.count, data.runs.count, data.race.tracks.count,
             Date().timeIntervalSince(started)))
