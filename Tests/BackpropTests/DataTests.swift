import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// A classification set whose label of row i is i and whose input row i is [i, -i].
private func indexDataset(_ n: Int) -> TensorDataset {
    let values = (0..<n).flatMap { [Float($0), -Float($0)] }
    return TensorDataset(inputs: Tensor(values, shape: [n, 2]), labels: Array(0..<n))
}

@Suite("DataTests") struct DataTests {
    // MARK: DataLoader

    @Test func shuffleMatchesTheBenchmarkPermutation() {
        // WORKLOADS.md, W1: SplitMix64(seed 2), Fisher–Yates over 60000 examples; epoch 1 starts
        // 35543, 35518, 43113, 41279, 1864 (the value every peer reproduced).
        let loader = DataLoader(indexDataset(60_000), batchSize: 128, shuffle: true, seed: 2)
        var epoch = loader.makeIterator()
        let first = epoch.next()!
        #expect(Array(first.labels.prefix(5)) == [35543, 35518, 43113, 41279, 1864])
        #expect(first.inputs.shape == [128, 2])
        // The rows travel with their labels.
        #expect(first.inputs[0, 0] == 35543 && first.inputs[0, 1] == -35543)
        #expect(first.targets.shape == [128] && first.targets[1] == 35518)
    }

    @Test func epochsCoverEveryExampleOnceAndReshuffle() {
        let loader = DataLoader(indexDataset(1000), batchSize: 128, shuffle: true, seed: 7)
        let epoch1 = Array(loader)
        let epoch2 = Array(loader)
        #expect(epoch1.count == 8 && epoch1.last!.count == 1000 - 7 * 128)
        let order1 = epoch1.flatMap(\.labels), order2 = epoch2.flatMap(\.labels)
        #expect(order1.sorted() == Array(0..<1000))
        #expect(order2.sorted() == Array(0..<1000))
        #expect(order1 != order2)
        // One generator carried across epochs: epoch 2 is the second permutation of SplitMix64(7).
        var rng = SplitMix64(seed: 7)
        _ = rng.permutation(1000)
        #expect(order2 == rng.permutation(1000))
    }

    @Test func batchCountsForBatchMiniBatchAndStochastic() {
        let data = indexDataset(10)
        #expect(DataLoader(data, batchSize: 10).batchCount == 1)          // batch gradient descent
        #expect(Array(DataLoader(data, batchSize: 10)).map(\.count) == [10])
        #expect(DataLoader(data, batchSize: 1).batchCount == 10)          // stochastic
        #expect(Array(DataLoader(data, batchSize: 3)).map(\.count) == [3, 3, 3, 1])
        #expect(Array(DataLoader(data, batchSize: 3, dropLast: true)).map(\.count) == [3, 3, 3])
        #expect(DataLoader(data, batchSize: 3, dropLast: true).batchCount == 3)
        #expect(DataLoader(data, batchSize: 20, dropLast: true).batchCount == 0)
        #expect(Array(DataLoader(data, batchSize: 20)).map(\.count) == [10])
        // W1: 60000 examples in batches of 128 → 469 steps, the last of 96.
        let mnistSized = DataLoader(indexDataset(60_000), batchSize: 128)
        #expect(mnistSized.batchCount == 469)
        #expect(Array(mnistSized).last!.count == 96)
        #expect(DataLoader(indexDataset(60_000), batchSize: 128, dropLast: true).batchCount == 468)
    }

    @Test func unshuffledLoaderKeepsFileOrder() {
        let batches = Array(DataLoader(indexDataset(5), batchSize: 2))
        #expect(batches.map(\.labels) == [[0, 1], [2, 3], [4]])
        #expect(batches[2].inputs.scalars(as: Float.self) == [4, -4])
    }

    @Test func misuseStopsWithAClearMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = TensorDataset(inputs: Tensor.zeros([3, 2]), labels: [0, 1])
        } .map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("need one label per row (3), got 2 labels"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = DataLoader(TensorDataset(inputs: Tensor.zeros([3, 2]), labels: [0, 1, 2]), batchSize: 0)
        } .map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("batchSize must be at least 1, got 0"))
        }
    }

    @Test func regressionDatasetBatchesTargets() {
        let x = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [3, 2])
        let y = Tensor([10, 20, 30] as [Float], shape: [3, 1])
        let data = TensorDataset(inputs: x, targets: y)
        let b = data.batch([2, 0])
        #expect(b.inputs.scalars(as: Float.self) == [5, 6, 1, 2])
        #expect(b.targets.scalars(as: Float.self) == [30, 10])
        #expect(b.labels.isEmpty)
    }

    // MARK: IDX and MNIST

    @Test(.enabled(if: SharedDatasets.exists(SharedDatasets.digits), "the 8x8 digits set is not in /work/shared/datasets/digits"))
    func digitsIDXFilesReadAndRoundTrip() throws {
        let dir = SharedDatasets.digits
        let images = try IDX.read(dir.appendingPathComponent("train-images-idx3-ubyte"))
        let labels = try IDX.readLabels(dir.appendingPathComponent("train-labels-idx1-ubyte"))
        // README: 1,437 training images of 8x8, pixels 0...16, labels 0-9.
        #expect(images.shape == [1437, 8, 8])
        #expect(labels.count == 1437)
        #expect(images.max().item(as: Double.self) == 16 && images.min().item(as: Double.self) == 0)
        #expect(Set(labels) == Set(0...9))
        // Writing the bytes back gives a file that reads to the same tensor, byte for byte.
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("copy-idx3-ubyte")
        try IDX.writeBytes(images, to: copy)
        #expect(try IDX.read(copy) == images)
        let original = try Data(contentsOf: dir.appendingPathComponent("train-images-idx3-ubyte"))
        #expect(try Data(contentsOf: copy) == original)

        let (train, test) = try MNIST.load(directory: dir)
        #expect(train.inputs.shape == [1437, 64] && test.inputs.shape == [360, 64])
        #expect(test.labels.count == 360)
        #expect(train.inputs.max().item(as: Double.self) == 1)   // detected scale 1/16
        #expect(train.labels == labels)
        let unflattened = try MNIST.load(directory: dir, scale: 1, flatten: false)
        #expect(unflattened.train.inputs == images)
    }

    @Test(.enabled(if: SharedDatasets.exists(SharedDatasets.mnist), "MNIST is not in /work/shared/datasets/mnist"))
    func mnistLoads() throws {
        let (train, test) = try MNIST.load(directory: SharedDatasets.mnist)
        #expect(train.inputs.shape == [60000, 784] && test.inputs.shape == [10000, 784])
        #expect(train.labels[0] == 5)            // the well-known first MNIST label
        #expect(test.labels[0] == 7)
        #expect(train.inputs.max().item(as: Double.self) == 1)   // detected scale 1/255
        // Pixel (0, 14*28+14) of the first training image is 255 in the raw file? Use a byte we read directly.
        let raw = try IDX.readBytes(SharedDatasets.mnist.appendingPathComponent("train-images-idx3-ubyte"))
        #expect(raw.shape == [60000, 28, 28])
        #expect(Float(train.inputs[0, 350]) == Float(raw.values[350]) / 255)
    }

    @Test func labelCountMismatchIsAnError() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        writeFile(idxBytes(shape: [2, 1, 1], values: [1, 2]), "train-images-idx3-ubyte", in: folder)
        writeFile(idxBytes(shape: [3], values: [0, 1, 2]), "train-labels-idx1-ubyte", in: folder)
        writeFile(idxBytes(shape: [1, 1, 1], values: [1]), "t10k-images-idx3-ubyte", in: folder)
        writeFile(idxBytes(shape: [1], values: [0]), "t10k-labels-idx1-ubyte", in: folder)
        let error = try #require(formatError { try MNIST.load(directory: folder) })
        #expect(error.path.hasSuffix("train-labels-idx1-ubyte"))
        #expect(error.description.contains("3 labels") && error.description.contains("2 images"))
        let missing = try #require(formatError { try MNIST.load(directory: folder.appendingPathComponent("nope")) })
        #expect(missing.description.contains("cannot open"))
    }

    @Test func idxReadsOtherElementTypes() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Int16 big-endian: -2, 300; Float32 big-endian 1.5.
        let int16 = writeFile([0, 0, 0x0B, 1] + bigEndian32(2) + [0xFF, 0xFE, 0x01, 0x2C], "i16", in: folder)
        #expect(try IDX.read(int16).scalars(as: Float.self) == [-2, 300])
        let f32 = writeFile([0, 0, 0x0D, 1] + bigEndian32(1) + bigEndian32(Int(Float(1.5).bitPattern)), "f32", in: folder)
        #expect(try IDX.read(f32).scalars(as: Float.self) == [1.5])
        // Scaled bytes equal PyTorch's float32 `x / 255` for every byte value.
        let all = writeFile(idxBytes(shape: [256], values: (0...255).map(UInt8.init)), "all", in: folder)
        #expect(try IDX.read(all, scale: 1.0 / 255).scalars(as: Float.self) == (0...255).map { Float($0) / 255 })
        let bytes = writeFile(idxBytes(shape: [2, 2], values: [0, 51, 102, 255]), "u8", in: folder)
        #expect(try IDX.read(bytes, scale: 1.0 / 255).scalars(as: Float.self) == [0, 0.2, 0.4, 1])
    }

    /// Every corrupt IDX file throws an error naming the file and the problem.
    @Test func corruptIDXFilesThrow() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "empty"),
            ("short-magic", [0, 0, 8], "truncated magic"),
            ("gzip", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0], "wrong magic"),
            ("bad-type", [0, 0, 0x07, 1] + bigEndian32(1) + [0], "unsupported element type"),
            ("rank-0", [0, 0, 8, 0], "number of dimensions 0"),
            ("rank-huge", [0, 0, 8, 200] + bigEndian32(1), "number of dimensions 200"),
            ("short-header", [0, 0, 8, 3] + bigEndian32(1) + [0, 0], "truncated header"),
            ("short-data", idxBytes(shape: [2, 2], values: [1, 2, 3]), "truncated data"),
            ("no-data", idxBytes(shape: [2, 2], values: []), "truncated data"),
            ("gigabytes", idxBytes(shape: [60000, 1000, 1000], values: [1, 2]), "claims 60000000000 bytes"),
            ("overflow", idxBytes(shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], values: [1]), "overflow"),
            ("extra", idxBytes(shape: [2], values: [1, 2, 3]), "1 unexpected bytes"),
        ]
        for (name, bytes, problem) in cases {
            let url = writeFile(bytes, name, in: folder)
            let error = formatError { try IDX.read(url) }
            #expect(error?.path == url.path, "\(name): expected an error naming the file")
            #expect(error?.description.contains(url.path) == true)
            #expect(error?.description.contains(problem) == true, "\(name): \(error?.description ?? "no error")")
        }
        let labels3D = writeFile(idxBytes(shape: [1, 1, 1], values: [1]), "labels3d", in: folder)
        #expect(formatError { try IDX.readLabels(labels3D) }?.description.contains("1 dimension") == true)
        let floatsAsBytes = writeFile([0, 0, 0x0D, 1] + bigEndian32(1) + [0, 0, 0, 0], "floats", in: folder)
        #expect(formatError { try IDX.readBytes(floatsAsBytes) }?.description.contains("expected unsigned bytes") == true)
    }

    // MARK: CSV

    @Test func csvWithHeaderQuotesAndCRLF() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = "x1,x2,label\r\n1.5, 2,0\r\n\r\n\"3\",-4e-1,2\r\n5,6,1\r\n\n"
        let url = writeFile(Array(text.utf8), "good.csv", in: folder)
        let data = try CSV.load(url, labelColumn: -1)
        #expect(data.inputs.shape == [3, 2])
        #expect(data.inputs.scalars(as: Float.self) == [1.5, 2, 3, -0.4, 5, 6])
        #expect(data.labels == [0, 2, 1])
        // Label in the first column, no header, semicolons, float64.
        let plain = writeFile(Array("1;0.25;0.5\n0;1;2\n".utf8), "plain.csv", in: folder)
        let d2 = try CSV.load(plain, labelColumn: 0, delimiter: ";", dtype: .float64)
        #expect(d2.inputs.dtype == .float64 && d2.inputs.scalars(as: Double.self) == [0.25, 0.5, 1, 2])
        #expect(d2.labels == [1, 0])
        // Forcing hasHeader: false on a numeric first line keeps it as data; true drops it.
        #expect(try CSV.load(plain, labelColumn: 0, hasHeader: true, delimiter: ";").count == 1)
        // Regression: two target columns.
        let reg = try CSV.load(plain, targetColumns: [1, 2], delimiter: ";")
        #expect(reg.targets.shape == [2, 2] && reg.targets.scalars(as: Float.self) == [0.25, 0.5, 1, 2])
        #expect(reg.inputs.scalars(as: Float.self) == [1, 0])
    }

    /// Every bad CSV throws an error naming the file, line, column and the bad text.
    @Test func badCSVFilesThrow() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, String, String)] = [
            ("nan.csv", "a,b,c\n1,2,0\n3,NaN,1\n", "line 3, column 2: \"NaN\" is not a finite number"),
            ("inf.csv", "1,2,0\n-inf,2,1\n", "line 2, column 1: \"-inf\" is not a finite number"),
            ("text.csv", "1,2,0\n1,abc,1\n", "line 2, column 2: \"abc\" is not a number"),
            ("blank-field.csv", "1,2,0\n1,,1\n", "line 2, column 2: \"\" is not a number"),
            ("ragged.csv", "1,2,0\n1,2\n", "line 2: 2 fields, but the first line has 3"),
            ("label.csv", "1,2,0.5\n", "line 1, column 3: label \"0.5\" is not an integer: labels are class numbers 0, 1, 2, ... or all class names"),
            ("empty.csv", "", "the file has no data lines (it is empty)"),
            ("header-only.csv", "a,b,label\n", "the file has a header but no data lines"),
            // Labels a model cannot use, hex numbers, RFC 4180 quoting mistakes.
            ("negative.csv", "1,2,0\n1,2,-1\n", "line 2, column 3: label \"-1\" is negative: labels are class numbers 0, 1, 2, ... or all class names"),
            ("hex-label.csv", "1,2,0\n1,2,0x10\n", "line 2, column 3: label \"0x10\" is text, but the first label is a number: labels are class numbers 0, 1, 2, ... or all class names"),
            ("hex-feature.csv", "0x10,2,0\n", "line 1, column 1: \"0x10\" is not a number"),
            ("empty-label.csv", "1,2,0\n1,2,\n", "line 2, column 3: the label is empty"),
            ("one-column.csv", "0\n1\n", "no feature columns: the file's 1 column is labels or targets"),
            ("unclosed.csv", "1,2,0\n1,\"2,0\n3,4,1\n", "line 2, column 2: a quoted field is never closed (no matching \" before the end of the file)"),
            ("after-quote.csv", "1,\"2\"x,0\n", "line 1, column 2: text after the closing quote of a quoted field (a quote inside a quoted field is written \"\")"),
            ("inner-quote.csv", "1,2\"3,0\n", "line 1, column 2: a quote inside an unquoted field; quote the whole field (\"...\") and double the quotes inside it"),
            ("quoted-comma.csv", "1,\"2,5\",0\n", "line 1, column 2: \"2,5\" is not a number"),
        ]
        for (name, text, problem) in cases {
            let url = writeFile(Array(text.utf8), name, in: folder)
            let error = formatError { try CSV.load(url, labelColumn: -1) }
            #expect(error?.description == "\(url.path): \(problem)", "\(name): \(error?.description ?? "no error")")
        }
        let binary = writeFile([0x31, 0x2C, 0xFF, 0xFE, 0x0A], "binary.csv", in: folder)
        #expect(formatError { try CSV.load(binary, labelColumn: 0) }?.description.contains("not valid UTF-8") == true)
        let good = writeFile(Array("1,2\n".utf8), "two.csv", in: folder)
        #expect(formatError { try CSV.load(good, labelColumn: 5) }?.description.contains("column 5 does not exist") == true)
    }

    // MARK: Synthetic sets, splits, scaling

    @Test func syntheticSetsAreSeededAndShaped() {
        let moons = Datasets.twoMoons(count: 101, noise: 0, seed: 1)
        #expect(moons.inputs.shape == [101, 2] && moons.labels.filter { $0 == 0 }.count == 51)
        // Without noise: the first outer point is (cos 0, sin 0) = (1, 0), the first inner (1 - 1, 0.5 - 0).
        #expect(moons.inputs[0, 0] == 1 && moons.inputs[0, 1] == 0)
        #expect(moons.inputs[51, 0] == 0 && moons.inputs[51, 1] == 0.5)
        #expect(Datasets.twoMoons(count: 50, noise: 0.2, seed: 3).inputs == Datasets.twoMoons(count: 50, noise: 0.2, seed: 3).inputs)
        #expect(Datasets.twoMoons(count: 50, noise: 0.2, seed: 3).inputs != Datasets.twoMoons(count: 50, noise: 0.2, seed: 4).inputs)

        let spirals = Datasets.spirals(count: 300, classes: 3, noise: 0, seed: 0)
        #expect(spirals.inputs.shape == [300, 2] && spirals.classCount == 3)
        // Last point of arm 0: r = 1, θ = 4 → (sin 4, cos 4).
        #expect(Swift.abs(spirals.inputs[99, 0] - sin(4.0)) < 1e-6 && Swift.abs(spirals.inputs[99, 1] - cos(4.0)) < 1e-6)

        let blobs = Datasets.blobs(count: 2000, centers: [[5, 5], [-5, 0]], std: 0.5, seed: 2)
        let firstMean = blobs.inputs.slice(axis: 0, 0..<1000).mean(axes: [0]).scalars(as: Double.self)
        #expect(Swift.abs(firstMean[0] - 5) < 0.1 && Swift.abs(firstMean[1] - 5) < 0.1)
        #expect(Datasets.blobs(count: 30, centers: 4, features: 3, seed: 9).inputs.shape == [30, 3])
    }

    @Test func randomSplitIsDisjointAndFollowsPyTorchLengths() {
        let data = indexDataset(10)
        let parts = randomSplit(data, fractions: [0.33, 0.33, 0.34], seed: 5)
        // floor(3.3), floor(3.3), floor(3.4) = 3, 3, 3; the remaining 1 goes to the first part.
        #expect(parts.map(\.count) == [4, 3, 3])
        #expect(parts.flatMap(\.labels).sorted() == Array(0..<10))
        #expect(parts[0].inputs[0, 0] == Double(parts[0].labels[0]))
        let (train, validation) = trainValidationSplit(data, validationFraction: 0.2, seed: 5)
        #expect(train.count == 8 && validation.count == 2)
        #expect(Set(train.labels).isDisjoint(with: validation.labels))
    }

    @Test func standardizerAndMinMaxScaler() {
        let x = Tensor([1, 10, 3, 10, 5, 10] as [Double], shape: [3, 2])
        let s = Standardizer(fitting: x)
        // Column 0: mean 3, population std sqrt(8/3); column 1 is constant (std treated as 1).
        #expect(s.mean.scalars(as: Double.self) == [3, 10])
        let z = s.transform(x).scalars(as: Double.self)
        let expected = [-2 / (8.0 / 3).squareRoot(), 0, 0, 0, 2 / (8.0 / 3).squareRoot(), 0]
        #expect(zip(z, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        #expect(s.inverseTransform(s.transform(x)).isApproximatelyEqual(to: x, rtol: 1e-12, atol: 1e-12))

        let m = MinMaxScaler(fitting: x, to: -1...1)
        #expect(m.transform(x).scalars(as: Double.self) == [-1, -1, 0, -1, 1, -1])
        #expect(m.inverseTransform(m.transform(x)).isApproximatelyEqual(to: x, rtol: 1e-12, atol: 1e-12))
        let data = TensorDataset(inputs: x, labels: [0, 1, 0]).mapInputs(s.transform)
        #expect(data.labels == [0, 1, 0] && data.inputs.shape == [3, 2])
    }
}
