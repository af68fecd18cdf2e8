import Foundation
// W1 (MNIST MLP training), W5 (inference), W2 (tiny-net overhead), W3 (SGEMM), exactly as
// ../shared/bench/WORKLOADS.md defines them.
import Backprop

// MARK: - W2

struct W2Result { let microsecondsPerStep: [Double]; let losses: [Int: Double] }

/// 2-16-16-1 tanh MLP on one fixed batch of 8, MSE, SGD lr 0.05, `steps` steps; µs per step.
func runW2Once(steps: Int = 10_000) -> (usPerStep: Double, losses: [Int: Double]) {
    var dataGenerator = SplitMix64(seed: 3)
    let x = Tensor.uniform([8, 2], low: -1, high: 1, generator: &dataGenerator)
    let xs = x.scalars(as: Float.self)
    let y = Tensor((0..<8).map { xs[2 * $0] * xs[2 * $0 + 1] }, shape: [8, 1])
    let input = Variable(x), target = Variable(y)
    let model = multilayerPerceptron(sizes: [2, 16, 16, 1], activation: { Tanh() }, seed: 4)
    let optimizer = SGD(parameters: model.parameters, lr: 0.05)
    var losses: [Int: Double] = [:]
    let t0 = now()
    for step in 1...steps {
        let loss = mseLoss(model(input), target)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        if step == 1 || step == 200 || step == steps { losses[step] = Double(loss.item(as: Float.self)) }
    }
    return ((now() - t0) / Double(steps) * 1e6, losses)
}

func runW2(threads: [Int], repeats: Int, steps: Int = 10_000) -> [String: Any] {
    for t in threads { Threading.threadCount = t; _ = runW2Once(steps: min(500, steps)) }   // warm-up
    var per: [Int: [Double]] = [:], losses: [Int: [Int: Double]] = [:]
    for r in 0..<repeats {
        for t in threads {
            Threading.threadCount = t
            let (us, l) = runW2Once(steps: steps)
            per[t, default: []].append(us)
            losses[t] = l
            say("W2 repeat \(r) threads \(t): \(fmt(us, 2)) us/step losses \(l.sorted { $0.key < $1.key }.map { "\($0.key): \(fmt($0.value, 7))" })")
        }
    }
    var results: [String: Any] = [:]
    for t in threads {
        results[String(t)] = ["us_per_step": Stats(per[t]!).json, "all": per[t]!,
                              "losses": Dictionary(uniqueKeysWithValues: losses[t]!.map { (String($0.key == steps ? 10_000 : $0.key), $0.value) })]
    }
    return ["workload": "W2", "impl": "backprop-swift", "steps": 10_000, "results": results]
}

// MARK: - W3

let w3Shapes = [(128, 784, 256), (128, 256, 128), (256, 256, 256), (1024, 1024, 1024), (4096, 4096, 4096)]

/// GFLOP/s of `a.matmul(b)` (the output is allocated by each call, as the public API does).
/// As the peers' `time_gemm`: 2 warm-up calls, k calls per repetition so that one lasts
/// >= 50 ms, 21 repetitions (5 when one call takes over 0.2 s).
func runW3(threads: [Int], maxSize: Int) -> [String: Any] {
    var results: [String: Any] = [:]
    var generator = SplitMix64(seed: 0)
    for (m, k, n) in w3Shapes where max(m, k, n) <= maxSize {
        let a = Tensor.normal([m, k], generator: &generator), b = Tensor.normal([k, n], generator: &generator)
        let flops = 2.0 * Double(m * k * n)
        var perThread: [String: Any] = [:]
        for t in threads {
            Threading.threadCount = t
            var c = a.matmul(b)
            c = a.matmul(b)
            let t0 = now()
            c = a.matmul(b)
            let one = now() - t0
            let calls = max(1, Int(0.05 / max(one, 1e-7)))
            let reps = one > 0.2 ? 5 : 21
            var gflops: [Double] = []
            for _ in 0..<reps {
                let s = now()
                for _ in 0..<calls { c = a.matmul(b) }
                gflops.append(Double(calls) * flops / (now() - s) / 1e9)
            }
            // Spot check against a dot product in Double.
            var ref = 0.0
            for p in 0..<k { ref += a[0, p] * b[p, 0] }
            if abs(c[0, 0] - ref) > 1e-3 * Double(k).squareRoot() * 4 { fatalError("W3: wrong product (\(c[0, 0]) vs \(ref))") }
            var s = Stats(gflops).json
            s["calls_per_rep"] = calls
            if let peak = fmaPeak[t] {
                s["fma_peak_gflops"] = peak
                s["fraction_of_peak"] = Stats(gflops).median / peak
            }
            perThread[String(t)] = s
            say("W3 \(m)x\(k)x\(n) threads \(t): \(fmt(Stats(gflops).median, 1)) GFLOP/s [\(fmt(Stats(gflops).min, 1)), \(fmt(Stats(gflops).max, 1))]\(peakText(Stats(gflops).median, threads: t))")
        }
        results["\(m)x\(k)x\(n)"] = perThread
    }
    return ["workload": "W3", "impl": "backprop-swift", "unit": "GFLOP/s", "results": results].merging(fmaPeakJSON()) { a, _ in a }
}

// MARK: - W1 and W5

struct W1Run {
    var epochSeconds: [Double] = [], epochCPU: [Double] = [], epochLoss: [Double] = []
    /// Resident memory after each epoch and the process's peak so far, in MiB.
    var epochRSS: [Double] = [], epochPeakRSS: [Double] = []
    var firstLoss = 0.0, testAccuracy = 0.0
    var model: Sequential
}

/// MNIST from the IDX files, x = pixel / 255, through the framework's reader.
struct MNISTData {
    let train: TensorDataset, test: TensorDataset
    static func load(directory: String) throws -> MNISTData {
        let (train, test) = try MNIST.load(directory: URL(fileURLWithPath: directory), scale: 1.0 / 255)
        return MNISTData(train: train, test: test)
    }
}

func accuracy(_ model: Sequential, _ images: Tensor, _ labels: [Int]) -> Double {
    let predicted = withNoGrad { model(Variable(images)).value.argmax(axis: 1) }
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
}

func trainW1(_ data: MNISTData, epochs: Int = 5, batch: Int = 128) -> W1Run {
    let model = multilayerPerceptron(sizes: [784, 256, 128, 10], activation: { ReLU() }, seed: 1)
    let optimizer = Adam(parameters: model.parameters, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8)
    let n = data.train.count
    let loader = DataLoader(data.train, batchSize: batch, shuffle: true, seed: 2)
    var run = W1Run(model: model)
    for _ in 0..<epochs {
        let epoch = timedEpoch(model, optimizer, loader)
        if run.epochLoss.isEmpty { run.firstLoss = epoch.firstLoss }
        run.epochSeconds.append(epoch.seconds)
        run.epochCPU.append(epoch.cpu)
        run.epochLoss.append(epoch.lossSum / Double(n))
        run.epochRSS.append(currentRSSMiB())
        run.epochPeakRSS.append(peakRSSMiB())
    }
    run.testAccuracy = accuracy(model, data.test.inputs, data.test.labels)
    return run
}

/// One training epoch as W1 and W7 time it: the shuffle is drawn before the clock starts; each
/// step gathers the batch (reshaped to `[-1] + imageShape` when given), runs forward, loss,
/// zero-grad, backward and step, and reads the loss. Returns wall and CPU seconds, the sum of
/// batch losses weighted by batch size, and the first batch's loss.
func timedEpoch(_ model: Sequential, _ optimizer: any Optimizer, _ loader: DataLoader, imageShape: [Int]? = nil)
    -> (seconds: Double, cpu: Double, lossSum: Double, firstLoss: Double) {
    var batches = loader.makeIterator()      // draws this epoch's shuffle (not timed)
    var lossSum = 0.0, firstLoss = Double.nan
    let c0 = cpuTime(), t0 = now()
    while let b = batches.next() {           // gathers the batch's rows (timed)
        let inputs = imageShape.map { b.inputs.reshaped([-1] + $0) } ?? b.inputs
        let loss = crossEntropy(model(Variable(inputs)), classes: b.labels)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        let value = Double(loss.item(as: Float.self))
        if firstLoss.isNaN { firstLoss = value }
        lossSum += value * Double(b.labels.count)
    }
    return (now() - t0, cpuTime() - c0, lossSum, firstLoss)
}

/// W5: logits and argmax of the 10k test images, in one batch and in batches of 128.
func timeInference(_ model: Sequential, _ images: Tensor, fullReps: Int = 30, batchReps: Int = 10) -> (full: [Double], b128: [Double]) {
    var full: [Double] = [], b128: [Double] = []
    withNoGrad {
        for _ in 0..<3 { _ = model(Variable(images)) }
        for _ in 0..<fullReps {
            let t0 = now()
            _ = model(Variable(images)).value.argmax(axis: 1)
            full.append(now() - t0)
        }
        let n = images.shape[0]
        for _ in 0..<batchReps {
            let t0 = now()
            var s = 0
            while s < n {
                _ = model(Variable(images.slice(axis: 0, s..<min(s + 128, n)))).value.argmax(axis: 1)
                s += 128
            }
            b128.append(now() - t0)
        }
    }
    return (full, b128)
}

/// W1's FLOPs an epoch in the matrix products (WORKLOADS.md).
let w1Flops = 60.43e9

/// W5's FLOPs: the matrix products of one forward pass of W1's network over `images` images.
func w5Flops(images: Int, sizes: [Int] = [784, 256, 128, 10]) -> Double {
    2 * Double(images) * Double(zip(sizes, sizes.dropFirst()).map { $0 * $1 }.reduce(0, +))
}

func runW1(_ data: MNISTData, threads: [Int], runs: Int, inference: Bool) -> [String: Any] {
    let steps = (data.train.count + 127) / 128
    let flops = w1Flops, inferFlops = w5Flops(images: data.test.count)
    let timedEpochs = [2, 3, 4]
    var per: [Int: [W1Run]] = [:]
    for r in 0..<runs {
        for t in threads {
            Threading.threadCount = t
            let run = trainW1(data)
            per[t, default: []].append(run)
            say("W1 run \(r) threads \(t): epochs \(run.epochSeconds.map { fmt($0) }) loss \(run.epochLoss.map { fmt($0, 4) }) first-batch loss \(fmt(run.firstLoss, 5)) acc \(fmt(run.testAccuracy, 4)) peak RSS \(fmt(peakRSSMiB(), 1)) MiB")
        }
    }
    var results: [String: Any] = [:]
    for t in threads {
        let runsT = per[t]!
        let timed = runsT.flatMap { run in timedEpochs.map { run.epochSeconds[$0 - 1] } }
        let util = runsT.flatMap { run in timedEpochs.map { run.epochCPU[$0 - 1] / run.epochSeconds[$0 - 1] } }
        let st = Stats(timed)
        var entry: [String: Any] = [
            "epoch_seconds": floorStats(timed, flops: flops, threads: t),
            "run_medians": runsT.map { run in Stats(timedEpochs.map { run.epochSeconds[$0 - 1] }).median },
            "epoch_seconds_all": runsT.map(\.epochSeconds),
            "steps_per_s": Double(steps) / st.median, "samples_per_s": 60000 / st.median, "gflops": flops / st.median / 1e9,
            "test_acc": runsT.map(\.testAccuracy), "epoch_loss_run0": runsT[0].epochLoss,
            "first_batch_loss": runsT.map(\.firstLoss),
            "cpu_seconds_per_wall_second": Stats(util).json,
        ]
        if inference {
            Threading.threadCount = t
            let (full, b128) = timeInference(runsT.last!.model, data.test.inputs)
            entry["infer_10k_full_batch_s"] = floorStats(full, flops: inferFlops, threads: t)
            entry["infer_10k_batch128_s"] = floorStats(b128, flops: inferFlops, threads: t)
            say("W5 threads \(t): 10k in one batch \(fmt(Stats(full).median * 1e3, 2)) ms\(floorText(Stats(full).median, flops: inferFlops, threads: t)), "
                + "batches of 128 \(fmt(Stats(b128).median * 1e3, 2)) ms\(floorText(Stats(b128).median, flops: inferFlops, threads: t))")
        }
        if let peak = fmaPeak[t] { entry["fma_peak_gflops"] = peak }
        results[String(t)] = entry
        say("W1 threads \(t): median epoch \(fmt(st.median))s [\(fmt(st.min)), \(fmt(st.max))] \(fmt(Double(steps) / st.median, 0)) steps/s \(fmt(flops / st.median / 1e9, 1)) GFLOP/s\(floorText(st.median, flops: flops, threads: t))")
    }
    return ["workload": "W1", "impl": "backprop-swift", "steps_per_epoch": steps, "flops_per_epoch": flops,
            "infer_flops": inferFlops, "runs": runs, "results": results, "peak_rss_mib": peakRSSMiB()]
        .merging(fmaPeakJSON()) { a, _ in a }
}

/// W6 (memory): W1's training run continued for many epochs, with the resident memory after
/// each epoch. Graphs and buffers must be freed every step, so memory stays flat after the
/// first epoch has warmed the buffer pool: the growth from epoch 2 to the last is reported.
func runMemory(_ data: MNISTData, epochs: Int) -> [String: Any] {
    let run = trainW1(data, epochs: epochs)
    for (e, (rss, peak)) in zip(run.epochRSS, run.epochPeakRSS).enumerated() {
        say("W6 epoch \(e + 1): loss \(fmt(run.epochLoss[e], 4)), RSS \(fmt(rss, 1)) MiB, peak \(fmt(peak, 1)) MiB")
    }
    let growth = (run.epochPeakRSS.last ?? 0) - (run.epochPeakRSS.count > 1 ? run.epochPeakRSS[1] : 0)
    return ["workload": "W6", "impl": "backprop", "epochs": epochs,
            "rss_mib_per_epoch": run.epochRSS, "peak_rss_mib_per_epoch": run.epochPeakRSS,
            "peak_growth_after_epoch2_mib": growth, "test_acc": run.testAccuracy, "machine": machineInfo()]
}
