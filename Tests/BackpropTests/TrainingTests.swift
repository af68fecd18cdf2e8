import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

@Suite struct TrainingUtilityTests {
    // MARK: - Accuracy and confusion matrix (numbers worked out by hand)

    @Test func accuracyCountsArgmaxHits() {
        // Row argmaxes: 0, 1, 2, 0 (the first of the tied 4s).
        let logits = Tensor([3, 1, 0,  0, 5, 1,  1, 2, 9,  4, 4, 0] as [Float], shape: [4, 3])
        #expect(accuracy(logits: logits, labels: [0, 2, 2, 1]) == 0.5)
        #expect(accuracy(logits: logits, labels: [0, 1, 2, 0]) == 1)
        #expect(accuracy(logits: logits, labels: [1, 1, 2, 0]) == 0.75)
        #expect(accuracy(predictions: [], labels: []) == 0)
    }

    @Test func confusionMatrixCountsPrecisionRecall() {
        // labels      0 0 0 1 1 2 2 2 2
        // predictions 0 0 1 1 2 2 2 2 0
        var m = ConfusionMatrix(classCount: 3)
        m.add(predictions: [0, 0, 1, 1, 2, 2, 2, 2, 0], labels: [0, 0, 0, 1, 1, 2, 2, 2, 2])
        #expect(m.counts == [[2, 1, 0], [0, 1, 1], [1, 0, 3]])
        #expect(m.total == 9)
        #expect(m.correct == 6)
        #expect(m.accuracy == 6.0 / 9.0)
        // precision(0) = 2 / (2 + 0 + 1); recall(0) = 2 / (2 + 1 + 0)
        #expect(m.precision(of: 0) == 2.0 / 3.0)
        #expect(m.recall(of: 0) == 2.0 / 3.0)
        #expect(m.precision(of: 1) == 0.5)
        #expect(m.recall(of: 1) == 0.5)
        #expect(m.precision(of: 2) == 0.75)
        #expect(m.recall(of: 2) == 0.75)

        let text = m.description
        #expect(text.contains("precision"))
        #expect(text.contains("recall"))
        #expect(text.contains("6/9"))
        #expect(text.split(separator: "\n").count == 6)   // heading, column header, 3 rows, accuracy
    }

    @Test func confusionMatrixFromLogitsAndUndefinedPrecision() {
        let logits = Tensor([1, 0, 0,  2, 1, 0] as [Float], shape: [2, 3])
        var m = ConfusionMatrix(classCount: 3)
        m.add(logits: logits, labels: [0, 1])
        #expect(m.counts == [[1, 0, 0], [1, 0, 0], [0, 0, 0]])
        #expect(m.precision(of: 1) == nil)   // nothing predicted as 1
        #expect(m.recall(of: 2) == nil)      // class 2 never occurs
        #expect(m.description.contains("-"))
        #expect(ConfusionMatrix(predictions: [3, 1], labels: [1, 1]).classCount == 4)
    }

    // MARK: - History

    @Test func historyKeepsEpochsAndWritesCSV() {
        var h = TrainingHistory(validationName: "test")
        h.record(.init(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, validationLoss: 0.4, validationAccuracy: 0.85, seconds: 1.5))
        h.record(.init(epoch: 2, trainLoss: 0.25, trainAccuracy: 0.9))
        #expect(h.trainLoss == [0.5, 0.25])
        #expect(h.validationLoss == [0.4])
        #expect(h.validationAccuracy == [0.85])
        let csv = h.csv().split(separator: "\n").map(String.init)
        #expect(csv == ["epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds",
                        "1,0.5,0.8,0.4,0.85,1.5", "2,0.25,0.9,,,"])
        #expect(h.summary(of: h.epochs[0]) == "epoch 1  train loss 0.5000 acc 80.00%  test loss 0.4000 acc 85.00%  1.50 s")
        #expect(h.lossPlot().series.map(\.name) == ["train", "test"])
    }

    // MARK: - Progress bar

    /// A clock that advances one second per reading.
    final class FakeClock: @unchecked Sendable {
        var now = 0.0
        func read() -> Double { now += 1; return now }
    }

    @Test func progressBarPrintsPlainLinesWhenNotATerminal() {
        var output: [String] = []
        let clock = FakeClock()
        let bar = ProgressBar(total: 20, label: "epoch 1/3", isInteractive: false, clock: clock.read) { output.append($0) }
        for step in 0..<20 { bar.advance(samples: 32, loss: 1.0 / Double(step + 1)) }
        bar.finish("test acc 91.00%")
        let text = output.joined()
        #expect(!text.contains("\r"))
        // One line per tenth (steps 2, 4, ..., 18) and the final line from finish().
        #expect(output.count == 10)
        #expect(output.allSatisfy { $0.hasSuffix("\n") && $0.hasPrefix("epoch 1/3 [") })
        #expect(output[0].contains(" 2/20"))
        #expect(output[0].contains("loss 0.5000"))
        #expect(output[0].contains("samples/s"))
        #expect(output[0].contains("ETA"))
        #expect(output.last!.contains("20/20"))
        #expect(output.last!.contains("test acc 91.00%"))
        #expect(output.last!.contains("[" + String(repeating: "=", count: 30) + "]"))
        bar.finish()
        #expect(output.count == 10)   // a second finish() adds nothing
    }

    @Test func progressBarRedrawsInPlaceOnATerminal() {
        var output: [String] = []
        let clock = FakeClock()
        let bar = ProgressBar(total: 3, isInteractive: true, clock: clock.read) { output.append($0) }
        bar.advance(samples: 10, loss: 2)
        bar.advance(samples: 10, loss: 1)
        bar.advance(samples: 10, loss: 0.5)
        bar.finish()
        #expect(output.dropLast().allSatisfy { $0.hasPrefix("\r") && !$0.contains("\n") })
        #expect(output.last == "\n")
        #expect(ProgressBar.formatDuration(3.25) == "3.2s" || ProgressBar.formatDuration(3.25) == "3.3s")
        #expect(ProgressBar.formatDuration(75) == "1:15")
        #expect(ProgressBar.formatDuration(3723) == "1:02:03")
    }

    // MARK: - SVG

    /// Parses a document with Foundation's XML parser and collects element names.
    final class ElementCollector: NSObject, XMLParserDelegate {
        var names: [String] = []
        var attributes: [[String: String]] = []
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            names.append(elementName)
            attributes.append(attributeDict)
        }
    }

    func parse(_ svg: String) -> (ok: Bool, collector: ElementCollector) {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = ElementCollector()
        parser.delegate = collector
        return (parser.parse(), collector)
    }

    @Test func lineChartIsWellFormedSVG() {
        var plot = SVGPlot(title: "Loss <train & test>", xLabel: "epoch", yLabel: "loss")
        plot.addSeries("train", y: [2.3, 1.0, 0.5, 0.3])
        plot.addSeries("test", x: [1, 2, 3, 4], y: [2.2, 1.1, .nan, 0.45], dashed: true)
        let svg = plot.render()
        let (ok, xml) = parse(svg)
        #expect(ok)
        #expect(xml.names.first == "svg")
        #expect(xml.attributes.first?["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(xml.names.filter { $0 == "path" }.count == 2)
        #expect(svg.contains("Loss &lt;train &amp; test&gt;"))
        // The NaN makes a gap: the second path starts two pieces.
        let testPath = xml.attributes.filter { $0["stroke-dasharray"] != nil && $0["d"] != nil }.first?["d"] ?? ""
        #expect(testPath.filter { $0 == "M" }.count == 2)
        // Linear ticks cover the data: 0.3 ... 2.3 → 0, 0.5, ..., 2.5.
        #expect(svg.contains(">2.5</text>"))
        #expect(svg.contains(">0</text>"))
    }

    @Test func logScaleChartHasDecadeTicks() {
        var plot = SVGPlot(title: "log", logScaleY: true)
        plot.addSeries("a", y: [100, 1, 0.001, 0])   // 0 cannot be drawn on a log axis: skipped
        let svg = plot.render()
        #expect(parse(svg).ok)
        for tick in ["0.001", "0.01", "0.1", "1", "10", "100"] { #expect(svg.contains(">\(tick)</text>")) }
        let sideBySide = SVGPlot.renderSideBySide([plot, SVGPlot(title: "b")])
        #expect(parse(sideBySide).ok)
        #expect(sideBySide.contains("width=\"1280\""))
    }

    @Test func niceTicks() {
        #expect(SVG.linearAxis(0.3, 2.3).ticks == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(SVG.linearAxis(1, 10, count: 6).ticks == [0, 2, 4, 6, 8, 10])
        #expect(SVG.logAxis(0.02, 30).ticks == [0.01, 0.1, 1, 10, 100])
        #expect(SVG.linearAxis(5, 5).ticks.count >= 2)
    }

    @Test func marchingSquaresCrossesEdgesAtInterpolatedPoints() {
        // Only the bottom-left corner (value 3) is above level 1; the others are 0.
        // The line cuts the left edge at t = (1-3)/(0-3) = 2/3 and the bottom edge at 2/3.
        let segments = SVGContourPlot.cellSegments(3, 0, 0, 0, level: 1)
        #expect(segments.count == 1)
        #expect(abs(segments[0].0.0 - 0) < 1e-12 && abs(segments[0].0.1 - 2.0 / 3.0) < 1e-12)
        #expect(abs(segments[0].1.0 - 2.0 / 3.0) < 1e-12 && abs(segments[0].1.1 - 0) < 1e-12)
        #expect(SVGContourPlot.cellSegments(0, 0, 0, 0, level: 1).isEmpty)
        #expect(SVGContourPlot.cellSegments(2, 0, 2, 0, level: 1).count == 2)   // a saddle cell
    }

    @Test func contourPlotOfAParaboloidIsWellFormed() {
        var plot = SVGContourPlot(title: "x² + y²", xRange: -1...1, yRange: -1...1, resolution: 40,
                                  levels: [0.25, 1]) { x, y in x * x + y * y }
        plot.addTrajectory("gd", points: [(x: 0.9, y: 0.8), (x: 0.5, y: 0.4), (x: 0.1, y: 0.05)])
        plot.addMarker(x: 0, y: 0, label: "minimum")
        let svg = plot.render()
        let (ok, xml) = parse(svg)
        #expect(ok)
        #expect(xml.names.first == "svg")
        // Two level paths and one trajectory path; the circle of radius 0.5 lies on the grid
        // lines' crossings within half a cell.
        let paths = xml.attributes.compactMap { $0["d"] }
        #expect(paths.count == 3)
        #expect(xml.names.contains("polygon"))
        #expect(svg.contains(">gd</text>"))
    }
}

@Suite struct CheckpointTests {
    /// A tiny regression step: y = 2x on four points.
    func step(_ model: Sequential, _ optimizer: any Optimizer) {
        let x = Variable(Tensor([0, 1, 2, 3] as [Float], shape: [4, 1]))
        let y = Tensor([0, 2, 4, 6] as [Float], shape: [4, 1])
        let loss = mseLoss(model(x), Variable(y))
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
    }

    func makeModel(seed: UInt64) -> Sequential {
        var generator = SplitMix64(seed: seed)
        return Sequential(Linear(inputSize: 1, outputSize: 4, generator: &generator), Tanh(),
                          Linear(inputSize: 4, outputSize: 1, generator: &generator))
    }

    /// Train 3 steps, save, train 2 more; a fresh model and optimizer loaded from the file and
    /// trained the same 2 steps end bit-identical (Adam's moments and step count came back).
    @Test func resumingFromACheckpointContinuesExactly() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let model = makeModel(seed: 1)
        let optimizer = Adam(parameters: model.parameters, lr: 0.01)
        for _ in 0..<3 { step(model, optimizer) }
        try Checkpoint.save(model: model, optimizer: optimizer, metadata: ["epoch": "3"], to: url)
        for _ in 0..<2 { step(model, optimizer) }

        let resumed = makeModel(seed: 2)
        let resumedOptimizer = Adam(parameters: resumed.parameters, lr: 0.5)
        let metadata = try Checkpoint.load(into: resumed, optimizer: resumedOptimizer, from: url)
        #expect(metadata["epoch"] == "3")
        #expect(resumedOptimizer.lr == 0.01)
        for _ in 0..<2 { step(resumed, resumedOptimizer) }
        for (a, b) in zip(model.parameters, resumed.parameters) {
            #expect(a.value.scalars(as: Float.self) == b.value.scalars(as: Float.self))
        }
    }

    @Test func loadingIntoADifferentModelThrows() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: makeModel(seed: 1), to: url)
        var generator = SplitMix64(seed: 3)
        let other = Sequential(Linear(inputSize: 1, outputSize: 5, generator: &generator))
        #expect(throws: StateDictError.self) { _ = try Checkpoint.load(into: other, from: url) }
    }
}
