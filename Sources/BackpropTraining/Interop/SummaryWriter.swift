import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
import BackpropData


/// Writes a run's scalars, histograms and text as a TensorBoard event file, like PyTorch's
/// `torch.utils.tensorboard.SummaryWriter`. Each call appends one record and hands it to the
/// operating system at once, so a running `tensorboard --logdir` shows progress live and a
/// killed run keeps every record written before the kill.
/// ```swift
/// let writer = try SummaryWriter(logDirectory: URL(fileURLWithPath: "runs/adam-lr0.002"))
/// try writer.addScalar("loss/train", loss.item(as: Double.self), step: step)
/// try writer.addHistograms(of: model, step: epoch)      // weights and gradients
/// ```
/// Then `tensorboard --logdir runs` shows one run per folder.
public final class SummaryWriter {
    /// The run's folder.
    public let logDirectory: URL
    /// The event file inside it, `events.out.tfevents.<seconds>.<host>.<pid>`.
    public let fileURL: URL
    private var descriptor: Int32

    /// Creates `logDirectory` (and its parents) and a new event file in it, starting with the
    /// file-version event TensorBoard expects.
    /// - Throws: ``FileFormatError`` naming the folder or file when either cannot be created.
    public init(logDirectory: URL) throws {
        self.logDirectory = logDirectory
        do {
            try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        } catch {
            throw FileFormatError(path: logDirectory.path, message: "cannot create the log folder: \(error.localizedDescription)")
        }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let seconds = Int(Date().timeIntervalSince1970)
        fileURL = logDirectory.appendingPathComponent("events.out.tfevents.\(seconds).\(host).\(getpid())")
        descriptor = open(fileURL.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileFormatError(path: fileURL.path, message: "cannot create the event file: \(String(cString: strerror(errno)))")
        }
        try append(TensorBoardProto.event(wallTime: Self.now(), step: 0, fileVersion: "brain.Event:2"))
    }

    deinit { close() }

    /// Records `value` under `tag` (`"loss/train"`; slashes group charts) at `step`.
    public func addScalar(_ tag: String, _ value: Double, step: Int) throws {
        try append(TensorBoardProto.event(wallTime: Self.now(), step: step,
                                          summary: TensorBoardProto.scalar(tag: tag, Float(value))))
    }

    /// Records the distribution of `values` under `tag` at `step`, in `bins` equal-width
    /// buckets between the smallest and the largest value.
    /// - Throws: ``FileFormatError`` if the values are empty or not all finite (a histogram
    ///   of NaN has no buckets), or if writing fails.
    public func addHistogram(_ tag: String, _ values: Tensor, step: Int, bins: Int = 30) throws {
        let numbers = values.scalars(as: Double.self)
        guard !numbers.isEmpty, numbers.allSatisfy(\.isFinite), bins > 0 else {
            throw FileFormatError(path: fileURL.path, message: "histogram '\(tag)' at step \(step): needs finite values and bins > 0, got \(numbers.count) values"
                                  + " (\(numbers.filter { !$0.isFinite }.count) not finite) and \(bins) bins")
        }
        try append(TensorBoardProto.event(wallTime: Self.now(), step: step,
                                          summary: TensorBoardProto.histogram(tag: tag, Histogram(numbers, bins: bins))))
    }

    /// Records histograms of every parameter (`"weights/0.weight"`) and of its gradient, when
    /// it has one (`"gradients/0.weight"`), at `step`.
    public func addHistograms(of model: any Module, step: Int) throws {
        for (name, parameter) in model.namedParameters {
            try addHistogram("weights/" + name, parameter.value, step: step)
            if let grad = parameter.grad { try addHistogram("gradients/" + name, grad, step: step) }
        }
    }

    /// Records `text` (shown as Markdown in TensorBoard's Text tab) under `tag` at `step`.
    public func addText(_ tag: String, _ text: String, step: Int) throws {
        try append(TensorBoardProto.event(wallTime: Self.now(), step: step, summary: TensorBoardProto.text(tag: tag, text)))
    }

    /// Forces the records written so far onto the disk (they are already visible to readers).
    public func flush() { if descriptor >= 0 { _ = fsync(descriptor) } }

    /// Flushes and closes the file; later calls to `add...` throw.
    public func close() {
        guard descriptor >= 0 else { return }
        flush()
        _ = closeFile(descriptor)
        descriptor = -1
    }

    /// Writes one framed record with as few `write` calls as the system allows.
    private func append(_ event: [UInt8]) throws {
        guard descriptor >= 0 else { throw FileFormatError(path: fileURL.path, message: "the SummaryWriter is closed") }
        let record = TensorBoardProto.record(event)
        var done = 0
        try record.withUnsafeBytes { bytes in
            while done < bytes.count {
                let n = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw FileFormatError(path: fileURL.path, message: "write failed: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }
}

/// The C library's `close`, which the method of the same name hides inside the class.
private func closeFile(_ descriptor: Int32) -> Int32 { close(descriptor) }
