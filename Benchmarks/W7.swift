// W7 (MNIST CNN training and inference), exactly as ../shared/bench/WORKLOADS.md defines it.
import Backprop

/// conv 1→16 5×5 pad 2, ReLU, max-pool 2 → conv 16→32 5×5 pad 2, ReLU, max-pool 2 → flatten →
/// 1568→128, ReLU → 128→10, every parameter drawn from SplitMix64(71) in that order.
func w7Network() -> Sequential {
    var g = SplitMix64(seed: 71)
    let conv1 = Conv2d(inChannels: 1, outChannels: 16, kernelSize: 5, padding: 2, generator: &g)
    let conv2 = Conv2d(inChannels: 16, outChannels: 32, kernelSize: 5, padding: 2, generator: &g)
    let fc1 = Linear(inputSize: 32 * 7 * 7, outputSize: 128, generator: &g)
    let fc2 = Linear(inputSize: 128, outputSize: 10, generator: &g)
    return Sequential(conv1, ReLU(), MaxPool2d(kernelSize: 2), conv2, ReLU(), MaxPool2d(kernelSize: 2), Flatten(),
                      fc1, ReLU(), fc2)
}

/// W7's FLOPs in the convolutions and matrix products (WORKLOADS.md): a training epoch, and an
/// inference pass over the 10k test images.
let w7Flops = 1051.1e9, w7InferFlops = 60.5e9

struct W7Run {
    var epochSeconds: [Double] = [], epochCPU: [Double] = [], epochLoss: [Double] = []
    var firstLoss = 0.0, testAccuracy = 0.0
    var model: Sequential
}

/// The 10k test images as `[N, 1, 28, 28]` in batches of 1000: logits, then argmax.
func w7Predictions(_ model: Sequential, _ images: Tensor) -> [Int] {
    withNoGrad {
        stride(from: 0, to: images.shape[0], by: 1000).flatMap { s in
            model(Variable(images.slice(axis: 0, s..<min(s + 1000, images.shape[0])).reshaped([-1, 1, 28, 28])))
                .value.argmax(axis: 1)
        }
    }
}

/// Two epochs of Adam(1e-3) in batches of 64 shuffled by SplitMix64(72), timed as W1.
func trainW7(_ data: MNISTData, epochs: Int = 2) -> W7Run {
    let model = w7Network()
    let optimizer = Adam(parameters: model.parameters, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8)
    let loader = DataLoader(data.train, batchSize: 64, shuffle: true, seed: 72)
    var run = W7Run(model: model)
    for _ in 0..<epochs {
        let epoch = timedEpoch(model, optimizer, loader, imageShape: [1, 28, 28])
        if run.epochLoss.isEmpty { run.firstLoss = epoch.firstLoss }
        run.epochSeconds.append(epoch.seconds)
        run.epochCPU.append(epoch.cpu)
        run.epochLoss.append(epoch.lossSum / Double(data.train.count))
    }
    let predicted = w7Predictions(model, data.test.inputs)
    run.testAccuracy = Double(zip(predicted, data.test.labels).filter { $0 == $1 }.count) / Double(data.test.count)
    return run
}

func runW7(_ data: MNISTData, threads: [Int], runs: Int, inferenceRepeats: Int = 5) -> [String: Any] {
    let flops = w7Flops, inferFlops = w7InferFlops
    let check = w7Network().namedParameters
    let value = { (name: String) in check.first { $0.name == name }!.parameter.value }
    let perm = DataLoader(data.train, batchSize: 64, shuffle: true, seed: 72).nextEpochOrder()
    say("W7 init check: conv1.weight[0,0,0,0:4] = \((0..<4).map { fmt(value("0.weight")[0, 0, 0, $0], 8) }) "
        + "conv1.bias[0:3] = \((0..<3).map { fmt(value("0.bias")[$0], 8) }) fc2.bias[0:3] = \((0..<3).map { fmt(value("9.bias")[$0], 8) }) "
        + "perm[0:5] = \(perm[0..<5].map { $0 })")
    var per: [Int: [W7Run]] = [:]
    for r in 0..<runs {
        for t in threads {
            Threading.threadCount = t
            let run = trainW7(data)
            per[t, default: []].append(run)
            say("W7 run \(r) threads \(t): epochs \(run.epochSeconds.map { fmt($0) }) first-batch loss \(fmt(run.firstLoss, 6)) "
                + "epoch loss \(run.epochLoss.map { fmt($0, 6) }) acc \(fmt(run.testAccuracy, 4)) peak RSS \(fmt(peakRSSMiB(), 1)) MiB")
        }
    }
    var results: [String: Any] = [:]
    for t in threads {
        let runsT = per[t]!
        Threading.threadCount = t
        let model = runsT.last!.model, images = data.test.inputs
        _ = withNoGrad { model(Variable(images.slice(axis: 0, 0..<1000).reshaped([-1, 1, 28, 28]))) }   // warm-up batch
        let passes = (0..<inferenceRepeats).map { _ in
            let t0 = now()
            _ = w7Predictions(model, images)
            return now() - t0
        }
        let st = Stats(runsT.map { $0.epochSeconds.last! })
        var entry: [String: Any] = [
            "epoch_seconds": floorStats(runsT.map { $0.epochSeconds.last! }, flops: flops, threads: t), "epoch1_seconds": Stats(runsT.map { $0.epochSeconds[0] }).json,
            "epoch_seconds_all": runsT.map(\.epochSeconds), "steps_per_s": 938 / st.median, "gflops": flops / st.median / 1e9,
            "first_batch_loss": runsT.map(\.firstLoss), "epoch_loss": runsT.map(\.epochLoss), "test_acc": runsT.map(\.testAccuracy),
            "cpu_seconds_per_wall_second": Stats(runsT.map { $0.epochCPU.last! / $0.epochSeconds.last! }).json,
            "infer_10k_batch1000_s": floorStats(passes, flops: inferFlops, threads: t), "infer_gflops": inferFlops / Stats(passes).median / 1e9,
        ]
        if let peak = fmaPeak[t] { entry["fma_peak_gflops"] = peak }
        results[String(t)] = entry
        say("W7 threads \(t): epoch 2 median \(fmt(st.median))s \(fmt(flops / st.median / 1e9, 1)) GFLOP/s\(floorText(st.median, flops: flops, threads: t)), "
            + "inference 10k/1000 \(fmt(Stats(passes).median * 1e3, 1)) ms\(floorText(Stats(passes).median, flops: inferFlops, threads: t))")
    }
    return ["workload": "W7", "impl": "backprop-swift", "steps_per_epoch": 938, "flops_per_epoch": flops,
            "infer_flops": inferFlops, "runs": runs, "results": results, "peak_rss_mib": peakRSSMiB()]
        .merging(fmaPeakJSON()) { a, _ in a }
}

/// W7S (not in WORKLOADS.md, for profiling): W7's training step on its first `steps` batches
/// after 20 warm-up steps; prints milliseconds per step (an epoch is 938 steps).
func runW7Steps(_ data: MNISTData, threads: [Int], steps: Int) {
    for t in threads {
        Threading.threadCount = t
        let model = w7Network()
        let optimizer = Adam(parameters: model.parameters, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8)
        var batches = DataLoader(data.train, batchSize: 64, shuffle: true, seed: 72).makeIterator()
        func step() {
            guard let b = batches.next() else { return }
            let loss = crossEntropy(model(Variable(b.inputs.reshaped([-1, 1, 28, 28]))), classes: b.labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            _ = loss.item(as: Float.self)
        }
        for _ in 0..<20 { step() }
        let t0 = now()
        for _ in 0..<steps { step() }
        let ms = (now() - t0) / Double(steps) * 1e3
        say("W7S threads \(t): \(fmt(ms, 2)) ms a step (\(fmt(ms * 0.938, 1)) s an epoch of 938 steps)")
    }
}
