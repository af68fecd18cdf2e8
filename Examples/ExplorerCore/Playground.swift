import Backprop
import Foundation

/// The playground's training runs: small networks on 2-D two-class data sets, each recorded
/// at evenly spaced steps (losses, the decision boundary, the first hidden layer's units) so the
/// page can scrub through training without computing anything itself.
public enum Playground {
    /// One choice of data, network and training.
    public struct Config: Encodable, Hashable, Sendable {
        public var dataset: String
        /// Widths of the hidden layers (`[]`: logistic regression).
        public var hidden: [Int]
        public var activation: String
        public var optimizer: String
        public var learningRate: Double
        /// `"batch"` (the whole set per step), `"minibatch"` (16) or `"stochastic"` (1).
        public var batching: String

        /// The defaults every other choice varies from.
        public static func standard(_ dataset: String) -> Config {
            Config(dataset: dataset, hidden: [8], activation: "tanh", optimizer: "Adam", learningRate: 0.03,
                   batching: "minibatch")
        }
    }

    /// A recorded run. Pictures are bytes (0...255) over a `resolution × resolution` grid of the
    /// data set's square, row 0 at the top, base64-encoded.
    public struct Run: Encodable, Sendable {
        public let config: Config
        /// The optimizer step of each recorded point (losses at every one, pictures at every
        /// `pictureEvery`-th).
        public let steps: [Int]
        public let trainLoss: [Double]
        public let testLoss: [Double]
        public let testAccuracy: [Double]
        /// `σ(logit)` at each grid point, per picture.
        public let boundary: [String]
        /// Per picture, per unit of the first hidden layer: its activation mapped to 0...255
        /// (tanh and sigmoid over their ranges, ReLU over `[0, 2]`, clipped).
        public let units: [[String]]
    }

    public struct DataSet: Encodable, Sendable {
        public let name: String
        /// `[x, y, label]` per point.
        public let train: [[Double]]
        public let test: [[Double]]
        /// The square the pictures cover, `[-extent, extent]²`.
        public let extent: Double
    }

    public static let datasets = ["circle", "xor", "moons", "spiral", "blobs"]
    public static let optimizers = ["SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"]
    public static let learningRates = [0.003, 0.03, 0.3]
    public static let architectures: [[Int]] = [[], [4], [8], [8, 8]]
    public static let activations = ["tanh", "relu", "sigmoid"]
    public static let batchings = ["batch", "minibatch", "stochastic"]
    public static let epochs = 100, resolution = 20, unitResolution = 8
    /// Loss points per run, and a picture at every `pictureEvery`-th of them.
    public static let points = 81, pictureEvery = 8

    /// The grid the page offers. Not every combination (that would be 3,240 runs and tens of
    /// megabytes): per data set, the network choices (architecture × activation) under the
    /// standard training, and the training choices (optimizer × learning rate, and the three
    /// batchings for each optimizer at the middle rate) under the standard network.
    public static func grid(datasets: [String] = datasets) -> [Config] {
        var configs: [Config] = []
        for name in datasets {
            let standard = Config.standard(name)
            for hidden in architectures {
                for activation in hidden.isEmpty ? ["tanh"] : activations {
                    var c = standard; c.hidden = hidden; c.activation = activation; configs.append(c)
                }
            }
            for optimizer in optimizers {
                for rate in learningRates {
                    var c = standard; c.optimizer = optimizer; c.learningRate = rate; configs.append(c)
                }
                for batching in batchings where batching != standard.batching {
                    var c = standard; c.optimizer = optimizer; c.batching = batching; configs.append(c)
                }
            }
        }
        var seen = Set<Config>()
        return configs.filter { seen.insert($0).inserted }
    }

    /// The points of a data set: 200 for training and 100 for testing, from different seeds.
    public static func data(_ name: String) -> (train: TensorDataset, test: TensorDataset) {
        func make(_ count: Int, _ seed: UInt64) -> TensorDataset {
            switch name {
            case "circle": return Datasets.circles(count: count, noise: 0.05, seed: seed)
            case "xor": return Datasets.xor(count: count, noise: 0.05, seed: seed)
            case "moons": return scaled(Datasets.twoMoons(count: count, noise: 0.1, seed: seed), by: 0.8, shift: [-0.5, -0.25])
            case "spiral": return Datasets.spirals(count: count, classes: 2, noise: 0.15, seed: seed)
            case "blobs": return Datasets.blobs(count: count, centers: [[-0.45, -0.35], [0.4, 0.45]], std: 0.25, seed: seed)
            default: fatalError("Playground: unknown data set '\(name)' (choose from \(datasets.joined(separator: ", ")))")
            }
        }
        return (make(200, 1), make(100, 2))
    }

    /// `(x + shift) · factor`, so every set fits the same square.
    private static func scaled(_ set: TensorDataset, by factor: Double, shift: [Double]) -> TensorDataset {
        TensorDataset(inputs: (set.inputs + Tensor(shift.map(Float.init), shape: [2])) * factor, labels: set.labels)
    }

    public static func describe(_ name: String) -> DataSet {
        let (train, test) = data(name)
        func rows(_ set: TensorDataset) -> [[Double]] {
            let xy = set.inputs.scalars(as: Double.self)
            return set.labels.indices.map { [xy[2 * $0], xy[2 * $0 + 1], Double(set.labels[$0])] }
        }
        return DataSet(name: name, train: rows(train), test: rows(test), extent: 1.25)
    }

    /// Trains one configuration and records it.
    public static func run(_ config: Config) -> Run {
        let (train, test) = data(config.dataset)
        var generator = SplitMix64(seed: 7)
        let widths = [2] + config.hidden + [1]
        let layers = (0..<widths.count - 1).map {
            Linear(inputSize: widths[$0], outputSize: widths[$0 + 1], generator: &generator)
        }
        let activate: (Variable) -> Variable = switch config.activation {
        case "relu": { $0.relu() }
        case "sigmoid": { $0.sigmoid() }
        default: { $0.tanh() }
        }
        /// The logits, and the first hidden layer's activations.
        func forward(_ x: Variable) -> (logits: Variable, firstHidden: Variable?) {
            var h = x
            var first: Variable?
            for (index, layer) in layers.enumerated() {
                h = layer(h)
                if index < layers.count - 1 {
                    h = activate(h)
                    if first == nil { first = h }
                }
            }
            return (h, first)
        }
        let parameters = layers.flatMap(\.parameters)
        let optimizer = makeOptimizer(config.optimizer, parameters, config.learningRate)
        let batchSize = switch config.batching { case "batch": train.count; case "stochastic": 1; default: 16 }
        let loader = DataLoader(train, batchSize: batchSize, shuffle: true, seed: 3)
        let stepsPerEpoch = (train.count + batchSize - 1) / batchSize
        let totalSteps = epochs * stepsPerEpoch
        let recordAt = (0..<points).map { $0 * totalSteps / (points - 1) }

        let grid = squareGrid(resolution, extent: 1.25), unitGrid = squareGrid(unitResolution, extent: 1.25)
        var trainLoss: [Double] = [], testLoss: [Double] = [], testAccuracy: [Double] = []
        var boundary: [String] = [], units: [[String]] = []
        func record() {
            withNoGrad {
                func loss(_ set: TensorDataset) -> (Double, Double) {
                    let logits = forward(Variable(set.inputs)).logits
                    let targets = Tensor(set.labels.map(Float.init), shape: [set.count, 1])
                    let l = binaryCrossEntropyWithLogits(logits, Variable(targets)).item(as: Double.self)
                    let predicted = logits.value.scalars(as: Double.self).map { $0 > 0 ? 1 : 0 }
                    let correct = zip(predicted, set.labels).filter { $0 == $1 }.count
                    return (l, Double(correct) / Double(set.count))
                }
                let (trainL, _) = loss(train), (testL, accuracy) = loss(test)
                trainLoss.append(rounded(trainL)); testLoss.append(rounded(testL)); testAccuracy.append(accuracy)
                if (trainLoss.count - 1) % pictureEvery == 0 {
                    let p = forward(Variable(grid)).logits.value.sigmoid().scalars(as: Double.self)
                    boundary.append(bytes(p, from: 0, to: 1))
                    if let hidden = forward(Variable(unitGrid)).firstHidden?.value {
                        let (low, high) = config.activation == "tanh" ? (-1.0, 1.0) : (0.0, config.activation == "relu" ? 2.0 : 1.0)
                        let values = hidden.scalars(as: Double.self), width = hidden.shape[1]
                        units.append((0..<width).map { unit in
                            bytes(stride(from: unit, to: values.count, by: width).map { values[$0] }, from: low, to: high)
                        })
                    }
                }
            }
        }
        var step = 0, next = 0
        if recordAt[next] == step { record(); next += 1 }
        training: while true {
            for batch in loader {
                let logits = forward(Variable(batch.inputs)).logits
                let loss = binaryCrossEntropyWithLogits(logits, Variable(batch.targets.reshaped([-1, 1])))
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                step += 1
                while next < recordAt.count && recordAt[next] == step { record(); next += 1 }
                if step == totalSteps { break training }
            }
        }
        return Run(config: config, steps: recordAt, trainLoss: trainLoss, testLoss: testLoss, testAccuracy: testAccuracy,
                   boundary: boundary, units: units)
    }

    static func makeOptimizer(_ name: String, _ parameters: [Variable], _ lr: Double) -> any Optimizer {
        switch name {
        case "SGD": SGD(parameters: parameters, lr: lr)
        case "Momentum": SGD(parameters: parameters, lr: lr, momentum: 0.9)
        case "Nesterov": SGD(parameters: parameters, lr: lr, momentum: 0.9, nesterov: true)
        case "Adagrad": Adagrad(parameters: parameters, lr: lr)
        case "RMSprop": RMSprop(parameters: parameters, lr: lr)
        case "Adam": Adam(parameters: parameters, lr: lr)
        default: fatalError("Playground: unknown optimizer '\(name)' (choose from \(optimizers.joined(separator: ", ")))")
        }
    }

    /// The centres of a `n × n` grid over `[-extent, extent]²`, row 0 at the top (largest y).
    public static func squareGrid(_ n: Int, extent: Double) -> Tensor {
        var xy: [Float] = []
        for row in 0..<n {
            for column in 0..<n {
                let x = -extent + (Double(column) + 0.5) * 2 * extent / Double(n)
                let y = extent - (Double(row) + 0.5) * 2 * extent / Double(n)
                xy += [Float(x), Float(y)]
            }
        }
        return Tensor(xy, shape: [n * n, 2])
    }

    /// Five significant digits: what the page shows, and a smaller file.
    public static func rounded(_ v: Double) -> Double { Double(String(format: "%.5g", v)) ?? v }

    /// Values mapped linearly from `[low, high]` to 0...255 (clipped), base64-encoded.
    public static func bytes(_ values: [Double], from low: Double, to high: Double) -> String {
        let quantized = values.map { v -> UInt8 in
            let t = v.isNaN ? 0.5 : Swift.min(Swift.max((v - low) / (high - low), 0), 1)
            return UInt8((t * 255).rounded())
        }
        return Data(quantized).base64EncodedString()
    }
}
