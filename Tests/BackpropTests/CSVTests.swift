import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropData

/// CSV as users have it (RFC 4180 quoting, any line ending, a byte order mark, text class
/// labels, a label column chosen by name) and a clear, file-naming error for everything a model
/// cannot use. Each of the files below was misread or accepted before.
@Suite struct CSVTests {
    private func write(_ text: String, _ name: String, in folder: URL) -> URL { writeFile(Array(text.utf8), name, in: folder) }

    @Test func rfc4180QuotingLineEndingsAndByteOrderMark() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Quoted header fields holding the delimiter, a doubled quote and a line break.
        let quoted = write("\"width, cm\",\"say \"\"hi\"\"\",\"multi\nline\"\n1,2,0\n\"3\",\" 4 \",1\n", "quoted.csv", in: folder)
        let data = try CSV.load(quoted, labelColumn: "multi\nline")
        #expect(data.inputs.scalars(as: Float.self) == [1, 2, 3, 4] && data.labels == [0, 1])
        #expect(try CSV.load(quoted, labelColumn: "say \"hi\"").labels == [2, 4])
        // A UTF-8 byte order mark and no header (was: "\u{FEFF}1" is not a number).
        let bom = writeFile([0xEF, 0xBB, 0xBF] + Array("1,2,0\n3,4,1\n".utf8), "bom.csv", in: folder)
        #expect(try CSV.load(bom, labelColumn: -1).inputs.scalars(as: Float.self) == [1, 2, 3, 4])
        // CR-only line endings (old Mac files), and a mix of all three.
        for (name, text, rows) in [("cr.csv", "1,2,0\r3,4,1\r", 2), ("mixed.csv", "1,2,0\r\n3,4,1\r5,6,0\n", 3)] {
            let d = try CSV.load(write(text, name, in: folder), labelColumn: -1)
            #expect(d.count == rows, "\(name)")
            #expect(d.labels.prefix(2) == [0, 1])
        }
        // Tab-separated, with tabs inside quoted fields.
        let tabs = write("a\tb\tc\n\" 1\t\"\t2\t\"x\ty\"\n", "tabs.tsv", in: folder)
        let tabbed = try CSV.load(tabs, labelColumn: -1, delimiter: "\t")
        #expect(tabbed.inputs.scalars(as: Float.self) == [1, 2] && tabbed.classNames == ["x\ty"])
    }

    @Test func textLabelsAreNumberedInSortedOrderAndNamed() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = write("x,species\n1,virginica\n2,setosa\n3,\"versicolor\"\n4,setosa\n", "flowers.csv", in: folder)
        let data = try CSV.load(url, labelColumn: "species")
        #expect(data.classNames == ["setosa", "versicolor", "virginica"])
        #expect(data.labels == [2, 0, 1, 0])
        #expect(data.classCount == 3)
        // Subsets keep the names and the class count, even without every class.
        let part = data.subset([1, 3])
        #expect(part.classNames == data.classNames && part.classCount == 3)
        // Numeric labels have no names.
        #expect(try CSV.load(write("1,0\n2,1\n", "n.csv", in: folder), labelColumn: -1).classNames.isEmpty)
    }

    @Test func iris() throws {
        let iris = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/iris.csv")
        let data = try CSV.load(iris, labelColumn: "species")
        #expect(data.inputs.shape == [150, 4])
        #expect(data.classNames == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
        #expect((0..<3).map { c in data.labels.filter { $0 == c }.count } == [50, 50, 50])
        // Column sums of the file computed with Python's csv module.
        let sums = data.inputs.sum(axes: [0]).scalars(as: Double.self)
        for (s, expected) in zip(sums, [876.5, 458.1, 563.8, 179.8]) { #expect(Swift.abs(s - expected) < 1e-3) }
    }

    /// A label column named but not there, and files with no feature column. (Malformed
    /// fields, quotes and labels are in `DataTests.badCSVFilesThrow`.)
    @Test func missingColumnsNameTheFile() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = write("a,b,label\n1,2,0\n", "named.csv", in: folder)
        #expect(formatError { try CSV.load(url, labelColumn: "species") }?.description
            == "\(url.path): no column is named \"species\"; the header has \"a\", \"b\", \"label\"")
        let noHeader = write("1,2,0\n", "noheader.csv", in: folder)
        #expect(formatError { try CSV.load(noHeader, labelColumn: "label") }?.description
            == "\(noHeader.path): no column is named \"label\": the file has no header line")
        #expect(formatError { try CSV.load(noHeader, targetColumns: [0, 1, 2]) }?.description
            == "\(noHeader.path): no feature columns: the file's 3 columns are all labels or targets")
    }

    /// MNIST-style folders whose test images differ in size from the training images, or whose
    /// images have no pixels, are refused at load time, naming the file (before: a Linear error
    /// after a whole epoch).
    @Test func mnistRefusesImagesAModelCannotUse() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        writeFile(idxBytes(shape: [2, 2, 2], values: Array(0..<8)), "train-images-idx3-ubyte", in: folder)
        writeFile(idxBytes(shape: [2], values: [0, 1]), "train-labels-idx1-ubyte", in: folder)
        let test = writeFile(idxBytes(shape: [1, 3, 3], values: Array(0..<9)), "t10k-images-idx3-ubyte", in: folder)
        writeFile(idxBytes(shape: [1], values: [1]), "t10k-labels-idx1-ubyte", in: folder)
        #expect(formatError { try MNIST.load(directory: folder) }?.description
            == "\(test.path): byte 8: test images of 3x3 pixels, but the training images in \(folder.appendingPathComponent("train-images-idx3-ubyte").path) have 2x2")
        let empty = writeFile(idxBytes(shape: [2, 0, 5], values: []), "train-images-idx3-ubyte", in: folder)
        #expect(formatError { try MNIST.load(directory: folder) }?.description == "\(empty.path): byte 8: images of 0x5 pixels have no pixels")
    }
}
