import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

/// Small synthetic classification sets for teaching: two dimensions, so a decision boundary
/// can be plotted, and a seed, so every run sees the same points.
///
/// Noise is Gaussian, drawn with ``SplitMix64/nextNormal()``; the examples come ordered by class
/// (shuffle with a ``DataLoader`` or ``randomSplit(_:fractions:seed:)``).
///
/// ```swift
/// let moons = Datasets.twoMoons(count: 200, noise: 0.1, seed: 0)   // inputs [200, 2], labels 0/1
/// ```
public enum Datasets {
    /// Two interleaving half circles (like scikit-learn's `make_moons`): class 0 on
    /// `(cos t, sin t)`, class 1 on `(1 - cos t, 0.5 - sin t)`, `t` evenly spaced in `[0, π]`,
    /// plus noise of standard deviation `noise` on each coordinate.
    public static func twoMoons(count: Int, noise: Double = 0.1, seed: UInt64 = 0, dtype: DType = .float32) -> TensorDataset {
        checkCount(count, "twoMoons")
        var rng = SplitMix64(seed: seed)
        let outer = count / 2 + count % 2, inner = count / 2
        var points: [Double] = []
        var labels: [Int] = []
        for (label, n) in [(0, outer), (1, inner)] {
            for i in 0..<n {
                let t = n > 1 ? Double.pi * Double(i) / Double(n - 1) : 0
                let (x, y) = label == 0 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
                points += [x + noise * rng.nextNormal(), y + noise * rng.nextNormal()]
                labels.append(label)
            }
        }
        return TensorDataset(inputs: Tensor.fromDoubles(points, shape: [count, 2], dtype: dtype), labels: labels)
    }

    /// Interleaved spiral arms (the CS231n toy set): arm `k` of `classes` has points at radius
    /// `r` evenly spaced in `[0, 1]` and angle `4k + 4r + noise·N(0, 1)`, at `(r sin θ, r cos θ)`.
    /// `count` points in total, split as evenly as possible between the arms.
    public static func spirals(count: Int, classes: Int = 3, noise: Double = 0.2, seed: UInt64 = 0, dtype: DType = .float32) -> TensorDataset {
        checkCount(count, "spirals")
        guard classes >= 1 else { fatalError("spirals: classes must be at least 1, got \(classes)") }
        var rng = SplitMix64(seed: seed)
        var points: [Double] = []
        var labels: [Int] = []
        for k in 0..<classes {
            let n = count / classes + (k < count % classes ? 1 : 0)
            for i in 0..<n {
                let r = n > 1 ? Double(i) / Double(n - 1) : 0
                let theta = 4 * Double(k) + 4 * r + noise * rng.nextNormal()
                points += [r * sin(theta), r * cos(theta)]
                labels.append(k)
            }
        }
        return TensorDataset(inputs: Tensor.fromDoubles(points, shape: [count, 2], dtype: dtype), labels: labels)
    }

    /// Gaussian clusters around given centres: `count` points split as evenly as possible,
    /// point of class `k` = `centers[k] + std·N(0, I)`.
    public static func blobs(count: Int, centers: [[Double]], std: Double = 1, seed: UInt64 = 0, dtype: DType = .float32) -> TensorDataset {
        checkCount(count, "blobs")
        guard let features = centers.first?.count, features > 0, centers.allSatisfy({ $0.count == features }) else {
            fatalError("blobs: centers must be a non-empty list of points of one dimension, got \(centers)")
        }
        var rng = SplitMix64(seed: seed)
        var points: [Double] = []
        var labels: [Int] = []
        for (k, center) in centers.enumerated() {
            let n = count / centers.count + (k < count % centers.count ? 1 : 0)
            for _ in 0..<n {
                for c in center { points.append(c + std * rng.nextNormal()) }
                labels.append(k)
            }
        }
        return TensorDataset(inputs: Tensor.fromDoubles(points, shape: [count, features], dtype: dtype), labels: labels)
    }

    /// Gaussian clusters around `centers` random centres drawn uniformly from `[-10, 10]^features`
    /// (from the same generator, before the points).
    public static func blobs(count: Int, centers: Int = 3, features: Int = 2, std: Double = 1, seed: UInt64 = 0,
                             dtype: DType = .float32) -> TensorDataset {
        guard centers >= 1, features >= 1 else {
            fatalError("blobs: centers (\(centers)) and features (\(features)) must be at least 1")
        }
        var rng = SplitMix64(seed: seed)
        let chosen = (0..<centers).map { _ in (0..<features).map { _ in rng.nextUniform(-10, 10) } }
        return blobs(count: count, centers: chosen, std: std, seed: rng.next(), dtype: dtype)
    }

    /// A disc inside a ring (the TensorFlow Playground's "circle"): class 0 at radius
    /// `U(0, 0.5)`, class 1 at radius `U(0.7, 1)`, angles `U(0, 2π)`, plus noise of standard
    /// deviation `noise` on each coordinate. Class 0 first, then class 1.
    public static func circles(count: Int, noise: Double = 0.05, seed: UInt64 = 0, dtype: DType = .float32) -> TensorDataset {
        checkCount(count, "circles")
        var rng = SplitMix64(seed: seed)
        var points: [Double] = []
        var labels: [Int] = []
        for (label, n) in [(0, count / 2 + count % 2), (1, count / 2)] {
            let radii = label == 0 ? (0.0, 0.5) : (0.7, 1.0)
            for _ in 0..<n {
                let r = rng.nextUniform(radii.0, radii.1), angle = rng.nextUniform(0, 2 * Double.pi)
                points += [r * cos(angle) + noise * rng.nextNormal(), r * sin(angle) + noise * rng.nextNormal()]
                labels.append(label)
            }
        }
        return TensorDataset(inputs: Tensor.fromDoubles(points, shape: [count, 2], dtype: dtype), labels: labels)
    }

    /// Exclusive or over the plane: points uniform in `[-1, 1]²` (kept `0.05` away from the
    /// axes so the classes do not touch), class 1 where `x` and `y` have opposite signs, plus
    /// noise of standard deviation `noise`. The labels follow the points' order.
    public static func xor(count: Int, noise: Double = 0.05, seed: UInt64 = 0, dtype: DType = .float32) -> TensorDataset {
        checkCount(count, "xor")
        var rng = SplitMix64(seed: seed)
        var points: [Double] = []
        var labels: [Int] = []
        func coordinate() -> Double {
            let magnitude = rng.nextUniform(0.05, 1)
            return rng.nextUnit() < 0.5 ? -magnitude : magnitude
        }
        for _ in 0..<count {
            let x = coordinate(), y = coordinate()
            points += [x + noise * rng.nextNormal(), y + noise * rng.nextNormal()]
            labels.append(x * y < 0 ? 1 : 0)
        }
        return TensorDataset(inputs: Tensor.fromDoubles(points, shape: [count, 2], dtype: dtype), labels: labels)
    }

    private static func checkCount(_ count: Int, _ name: String) {
        guard count >= 1 else { fatalError("\(name): count must be at least 1, got \(count)") }
    }
}
