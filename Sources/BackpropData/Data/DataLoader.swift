import BackpropTensor
import BackpropAutograd
import BackpropNN
/// Splits a data set into batches, one epoch per iteration, optionally shuffled.
///
/// `batchSize == dataset.count` gives full-batch gradient descent, `1` stochastic gradient
/// descent, anything between mini-batches. Each `for batch in loader` is one epoch. With
/// `shuffle`, every epoch draws a fresh permutation by Fisher–Yates from one ``SplitMix64``
/// carried across epochs (`for i in n-1 down to 1: j = next() % (i+1); swap(p[i], p[j])`),
/// exactly like the benchmark peers, so the same seed visits examples in the same order as the
/// PyTorch/NumPy references. Batches are consecutive slices of the permutation; the last one is
/// smaller unless `dropLast` drops it.
///
/// ```swift
/// let loader = DataLoader(train, batchSize: 128, shuffle: true, seed: 2)
/// for epoch in 1...5 {
///     for batch in loader { /* forward, loss, backward, step */ }
/// }
/// ```
public final class DataLoader: Sequence {
    /// The data set batches are drawn from.
    public let dataset: any Dataset
    /// The number of examples per batch (the last batch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether each epoch visits the examples in a new random order.
    public let shuffle: Bool
    /// Whether an incomplete last batch is skipped.
    public let dropLast: Bool
    /// The generator the shuffles are drawn from; it advances by one permutation per epoch.
    /// Save `generator.state` with a checkpoint and set it back to resume the same shuffles:
    /// `loader.generator = SplitMix64(seed: savedState)`.
    public var generator: SplitMix64
    /// The epoch being iterated (see ``epochInProgress``), and one to resume at the next iteration.
    var current: EpochPosition?, resume: EpochPosition?

    /// A loader over `dataset`; `seed` starts the shuffling generator (ignored without `shuffle`).
    public init(_ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, seed: UInt64 = 0, dropLast: Bool = false) {
        guard batchSize >= 1 else { fatalError("DataLoader: batchSize must be at least 1, got \(batchSize)") }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.generator = SplitMix64(seed: seed)
    }

    /// Batches per epoch: `n / batchSize` with `dropLast`, else `ceil(n / batchSize)`.
    public var batchCount: Int {
        let n = dataset.count
        return n / batchSize + (dropLast || n % batchSize == 0 ? 0 : 1)   // no n + batchSize: it may overflow
    }

    /// The order of the examples for the next epoch (consumes one shuffle from the generator).
    public func nextEpochOrder() -> [Int] {
        shuffle ? generator.permutation(dataset.count) : Array(0..<dataset.count)
    }

    /// Where an epoch stands: the generator's state before its shuffle and the batches handed out.
    public struct EpochPosition: Equatable, Sendable {
        /// ``generator``'s state before the epoch drew its order.
        public var generatorState: UInt64
        /// The number of batches of the epoch handed out so far.
        public var batchesDone: Int

        /// A position; `batchesDone` batches of the epoch shuffled from `generatorState` are done.
        public init(generatorState: UInt64, batchesDone: Int) {
            self.generatorState = generatorState
            self.batchesDone = batchesDone
        }
    }

    /// The epoch being iterated, `nil` between epochs and from its last batch on (a
    /// ``Checkpoint`` saves it). Setting it
    /// makes the next `for batch in loader` redraw that epoch's order and continue after its
    /// done batches, so that a run resumed mid-epoch sees the batches it would have seen.
    public var epochInProgress: EpochPosition? {
        get { current }
        set {
            guard let position = newValue else { current = nil; resume = nil; return }
            guard (0...batchCount).contains(position.batchesDone) else {
                fatalError("DataLoader: cannot resume after \(position.batchesDone) batches of an epoch of \(batchCount)")
            }
            current = position
            resume = position
        }
    }

    /// Starts an epoch (or resumes the one set in ``epochInProgress``): draws its order now,
    /// then hands out the batches.
    public func makeIterator() -> Iterator {
        if let resume { generator = SplitMix64(seed: resume.generatorState) }
        let position = EpochPosition(generatorState: generator.state, batchesDone: resume?.batchesDone ?? 0)
        resume = nil
        current = position.batchesDone < batchCount ? position : nil
        return Iterator(dataset: dataset, order: nextEpochOrder(), batchSize: batchSize, batchCount: batchCount,
                        nextBatch: position.batchesDone, loader: self)
    }

    /// The batches of one epoch.
    public struct Iterator: IteratorProtocol {
        let dataset: any Dataset
        /// The example order of this epoch.
        public let order: [Int]
        let batchSize: Int
        let batchCount: Int
        var nextBatch = 0
        /// The loader, whose ``DataLoader/epochInProgress`` follows this iterator.
        let loader: DataLoader

        /// The next batch of the epoch, or `nil` when the epoch is over.
        public mutating func next() -> Batch? {
            guard nextBatch < batchCount else { return nil }
            let start = nextBatch * batchSize
            let end = start + Swift.min(batchSize, order.count - start)
            nextBatch += 1
            if nextBatch < batchCount { loader.current?.batchesDone = nextBatch } else { loader.current = nil }
            return dataset.batch(Array(order[start..<end]))
        }
    }

    /// The number of batches per epoch (``batchCount``).
    public var underestimatedCount: Int { batchCount }
}
