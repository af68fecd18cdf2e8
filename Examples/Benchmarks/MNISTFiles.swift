// Reads the MNIST IDX files for W1/W5 (x = pixel / 255 as float32, labels as Int).
import Backprop
import Foundation

struct MNISTData {
    let trainImages: Tensor, trainLabels: [Int], testImages: Tensor, testLabels: [Int]

    struct BadFile: Error, CustomStringConvertible { let description: String }

    static func load(directory: String) throws -> MNISTData {
        func bytes(_ name: String, rank: Int) throws -> (dims: [Int], body: [UInt8]) {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw BadFile(description: "\(path): cannot read (pass --mnist DIR)")
            }
            let b = [UInt8](data)
            guard b.count >= 4 + 4 * rank, b[0] == 0, b[1] == 0, b[2] == 8, Int(b[3]) == rank else {
                throw BadFile(description: "\(path): not an unsigned-byte IDX file of rank \(rank)")
            }
            var dims: [Int] = []
            for i in 0..<rank {
                let o = 4 + 4 * i
                dims.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
            }
            let offset = 4 + 4 * rank
            guard b.count == offset + dims.reduce(1, *) else {
                throw BadFile(description: "\(path): dims \(dims) need \(offset + dims.reduce(1, *)) bytes, found \(b.count)")
            }
            return (dims, Array(b[offset...]))
        }
        func images(_ name: String) throws -> Tensor {
            let (dims, body) = try bytes(name, rank: 3)
            return Tensor(body.map { Float($0) / 255 }, shape: [dims[0], dims[1] * dims[2]])
        }
        func labels(_ name: String) throws -> [Int] { try bytes(name, rank: 1).body.map { Int($0) } }
        return MNISTData(trainImages: try images("train-images-idx3-ubyte"), trainLabels: try labels("train-labels-idx1-ubyte"),
                         testImages: try images("t10k-images-idx3-ubyte"), testLabels: try labels("t10k-labels-idx1-ubyte"))
    }
}
