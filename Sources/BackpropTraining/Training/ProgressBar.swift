import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData
#if canImport(Glibc)
import Glibc
#endif

/// A progress line for a loop of known length: steps done, current loss, samples per second
/// and the estimated time left.
///
/// On a terminal it redraws one line in place (`\r`) at most ten times a second. When the
/// output is a file or a pipe (a CI log) it prints plain lines instead, by default one each
/// tenth of the way, so logs stay readable.
///
/// ```swift
/// let bar = ProgressBar(total: loader.count, label: "epoch 1/10")
/// for batch in loader {
///     ...
///     bar.advance(samples: batch.labels.count, loss: loss.item(as: Double.self))
/// }
/// bar.finish()
/// ```
///
/// The printed line looks like
/// `epoch 1/10 [=========>          ] 234/469  loss 0.3521  12345 samples/s  ETA 0:03`.
public final class ProgressBar {
    /// Where the text goes.
    public enum Destination: Sendable {
        /// The process's standard error (the default: keeps standard output for results).
        case standardError
        /// The process's standard output.
        case standardOutput
    }

    /// The number of steps that make 100%.
    public let total: Int
    /// Text shown before the bar.
    public var label: String
    /// Whether the output redraws in place (a terminal) or prints plain lines.
    public let isInteractive: Bool
    /// The number of characters inside the bar's brackets.
    public let width: Int

    private let write: (String) -> Void
    private let clock: () -> Double
    private let start: Double
    private var lastDraw = -Double.infinity
    private var nextLineStep: Int
    private let lineInterval: Int
    /// The steps done so far.
    public private(set) var step = 0
    /// The samples processed so far.
    public private(set) var samples = 0
    /// The last loss reported.
    public private(set) var loss: Double?
    private var lastLength = 0
    private var finished = false

    /// A bar writing to standard error (or output); interactive exactly when that stream is a terminal.
    public convenience init(total: Int, label: String = "", width: Int = 30, destination: Destination = .standardError,
                            plainLines: Int = 10) {
        let descriptor = destination == .standardError ? STDERR_FILENO : STDOUT_FILENO
        let handle = destination == .standardError ? FileHandle.standardError : FileHandle.standardOutput
        self.init(total: total, label: label, width: width, isInteractive: isatty(descriptor) == 1,
                  plainLines: plainLines, write: { handle.write(Data($0.utf8)) })
    }

    /// A bar writing through `write`, with the interactive mode and the clock (seconds) given;
    /// for tests and custom sinks. When not interactive, about `plainLines` lines are printed
    /// over the run (evenly spaced; the last by ``finish(_:)``).
    public init(total: Int, label: String = "", width: Int = 30, isInteractive: Bool, plainLines: Int = 10,
                clock: @escaping () -> Double = { ProcessInfo.processInfo.systemUptime },
                write: @escaping (String) -> Void) {
        guard total >= 0 else { fatalError("ProgressBar: total must be non-negative, got \(total)") }
        self.total = total
        self.label = label
        self.width = max(1, width)
        self.isInteractive = isInteractive
        self.write = write
        self.clock = clock
        self.start = clock()
        self.lineInterval = plainLines <= 1 ? Int.max / 2 : max(1, total / plainLines)
        self.nextLineStep = lineInterval
    }

    /// Records `steps` more steps (usually one batch) of `samples` examples, with the loss of
    /// the latest step, and redraws if it is time.
    public func advance(steps: Int = 1, samples: Int = 0, loss: Double? = nil) {
        step += steps
        self.samples += samples
        if let loss { self.loss = loss }
        let now = clock()
        if isInteractive {
            if now - lastDraw >= 0.1 || step >= total {
                lastDraw = now
                draw(render(now: now))
            }
        } else if step >= nextLineStep && step + lineInterval / 2 < total {
            // Plain output: evenly spaced lines (none just before the end); finish() writes the last.
            while nextLineStep <= step { nextLineStep += lineInterval }
            write(render(now: now) + "\n")
        }
    }

    /// Completes the bar: draws its final state and ends the line. Pass `message` to append a
    /// summary (e.g. the epoch's validation accuracy). Later calls do nothing.
    public func finish(_ message: String? = nil) {
        guard !finished else { return }
        finished = true
        let line = render(now: clock()) + (message.map { "  " + $0 } ?? "")
        if isInteractive {
            draw(line)
            write("\n")
        } else {
            write(line + "\n")
        }
    }

    private func draw(_ line: String) {
        let padding = String(repeating: " ", count: max(0, lastLength - line.count))
        lastLength = line.count
        write("\r" + line + padding)
    }

    /// The text of the bar at time `now`.
    func render(now: Double) -> String {
        let fraction = total == 0 ? 1 : min(1, Double(step) / Double(total))
        let filled = Int(fraction * Double(width))
        var bar = String(repeating: "=", count: filled)
        if filled < width { bar += ">" + String(repeating: " ", count: width - filled - 1) }
        let digits = String(total).count
        var parts = [(label.isEmpty ? "" : label + " ") + "[\(bar)] "
                     + String(repeating: " ", count: max(0, digits - String(step).count)) + "\(step)/\(total)"]
        if let loss { parts.append("loss " + String(format: "%.4f", loss)) }
        let elapsed = now - start
        if samples > 0 && elapsed > 0 { parts.append(String(format: "%.0f samples/s", Double(samples) / elapsed)) }
        if step >= total {
            parts.append("in " + Self.formatDuration(elapsed))
        } else if step > 0 && elapsed > 0 {
            parts.append("ETA " + Self.formatDuration(elapsed / Double(step) * Double(total - step)))
        }
        return parts.joined(separator: "  ")
    }

    /// `m:ss` (or `h:mm:ss`) for a number of seconds; one decimal under ten seconds.
    static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
