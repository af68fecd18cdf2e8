import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

/// Loader for MNIST-style data sets stored as four IDX files in one folder:
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
/// `t10k-labels-idx1-ubyte` (unpacked, not `.gz`).
///
/// Images become float32 rows of `rows * columns` pixels (flattened, ready for an MLP) times
/// `scale`. With `scale: nil` the scale is chosen from the largest training pixel: `1/16` when it
/// is at most 16 (the 8x8 "digits" set, whose pixels count 0...16), else `1/255` (MNIST's 0...255
/// bytes), so either set comes out in [0, 1].
///
/// ```swift
/// let (train, test) = try MNIST.load(directory: URL(fileURLWithPath: "/data/mnist"))
/// train.inputs.shape   // [60000, 784]
/// train.labels[0]      // 5
/// ```
public enum MNIST {
    /// Loads the training and test sets from `directory`.
    /// - Parameters:
    ///   - scale: factor applied to each pixel; `nil` picks `1/16` or `1/255` as described above.
    ///   - flatten: `true` gives inputs `[N, rows * columns]`; `false` keeps `[N, rows, columns]`.
    public static func load(directory: URL, scale: Double? = nil, flatten: Bool = true) throws -> (train: TensorDataset, test: TensorDataset) {
        let trainImages = try readImages(directory.appendingPathComponent("train-images-idx3-ubyte"))
        let chosenScale = scale ?? ((trainImages.values.max() ?? 0) <= 16 ? 1.0 / 16 : 1.0 / 255)
        let train = try makeSet(trainImages, labels: directory.appendingPathComponent("train-labels-idx1-ubyte"),
                                scale: chosenScale, flatten: flatten)
        let testImages = try readImages(directory.appendingPathComponent("t10k-images-idx3-ubyte"))
        guard testImages.shape[1...] == trainImages.shape[1...] else {
            throw FileFormatError(testImages.url, offset: 8, "test images of \(testImages.shape[1])x\(testImages.shape[2]) pixels, "
                                  + "but the training images in \(trainImages.url.path) have \(trainImages.shape[1])x\(trainImages.shape[2])")
        }
        let test = try makeSet(testImages, labels: directory.appendingPathComponent("t10k-labels-idx1-ubyte"),
                               scale: chosenScale, flatten: flatten)
        return (train, test)
    }

    private struct Images {
        var url: URL
        var shape: [Int]
        var values: [UInt8]
    }

    private static func readImages(_ url: URL) throws -> Images {
        let (shape, values) = try IDX.readBytes(url)
        guard shape.count == 3 else {
            throw FileFormatError(url, offset: 3, "an image file has 3 dimensions [count, rows, columns], this one has shape \(shape)")
        }
        guard shape[1] > 0, shape[2] > 0 else {
            throw FileFormatError(url, offset: 8, "images of \(shape[1])x\(shape[2]) pixels have no pixels")
        }
        return Images(url: url, shape: shape, values: values)
    }

    private static func makeSet(_ images: Images, labels labelURL: URL, scale: Double, flatten: Bool) throws -> TensorDataset {
        let labels = try IDX.readLabels(labelURL)
        guard labels.count == images.shape[0] else {
            throw FileFormatError(labelURL, offset: 4, "\(labels.count) labels, but \(images.url.path) holds \(images.shape[0]) images")
        }
        let shape = flatten ? [images.shape[0], images.shape[1] * images.shape[2]] : images.shape
        var inputs = Tensor(uninitializedShape: shape, dtype: .float32)
        let table = IDX.byteTable(scale: scale)
        inputs.withMutablePointer(Float.self) { dst in
            images.values.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { t in for i in 0..<src.count { dst[i] = t[Int(src[i])] } }
            }
        }
        return TensorDataset(inputs: inputs, labels: labels)
    }
}
