// W8 (character-level MLP language model step), exactly as ../shared/bench/WORKLOADS.md defines
// it; the data, model and sampling rule are the char-model example's (CharModelCore).
import Backprop
import CharModelCore
import Foundation

struct W8Run {
    var stepSeconds: [Double] = [], losses: [Double] = []
    var total = 0.0, cpu = 0.0
    var firstBatchLoss = 0.0, initTrainLoss = 0.0, trainLoss = 0.0, devLoss = 0.0, testLoss = 0.0
    var samples: [String] = []
}

/// One W8 training run: 20,000 timed steps (gather the batch, forward, loss, zero-grad,
/// backward, update, read the loss), the batch rows drawn before timing.
func trainW8(_ data: NamesData, steps: Int) -> W8Run {
    let train = Examples(data.train), dev = Examples(data.dev), test = Examples(data.test)
    let model = CharMLP()
    let optimizer = SGD(parameters: model.parameters, lr: 0.1)
    let rows = batchRows(exampleCount: train.count, steps: steps, batchSize: 32)
    var run = W8Run()
    run.initTrainLoss = model.loss(on: train)
    run.stepSeconds.reserveCapacity(steps)
    run.losses.reserveCapacity(steps)
    let c0 = cpuTime(), t0 = now()
    for (step, batchRows) in rows.enumerated() {
        optimizer.lr = step < 10_000 ? 0.1 : 0.01
        let s = now()
        let batch = train.batch(batchRows)
        let loss = model.loss(batch.contexts, batch.targets)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        run.losses.append(Double(loss.item(as: Float.self)))
        run.stepSeconds.append(now() - s)
    }
    run.total = now() - t0
    run.cpu = cpuTime() - c0
    run.firstBatchLoss = run.losses.first ?? .nan
    (run.trainLoss, run.devLoss, run.testLoss) = (model.loss(on: train), model.loss(on: dev), model.loss(on: test))
    run.samples = model.sample(count: 10)
    return run
}

func runW8(namesFile: URL, threads: [Int], runs: Int, steps: Int = 20_000) -> [String: Any] {
    let data: NamesData
    do { data = try NamesData.load(file: namesFile) } catch { fatalError("benchmarks: \(error)") }
    let train = Examples(data.train)
    let model = CharMLP()
    let rows = batchRows(exampleCount: train.count, steps: 1, batchSize: 32)
    say("W8 data check: \(data.names.count) names, split \(data.train.count)/\(data.dev.count)/\(data.test.count), examples \(train.count)/\(Examples(data.dev).count)/\(Examples(data.test).count), train \(data.train.prefix(3)) dev \(data.dev.prefix(3)) test \(data.test.prefix(3)), batch1[0:4] = \(rows[0].prefix(4)), C[0,0:4] = \((0..<4).map { fmt(model.emb.weight.value[0, $0], 8) }), b1[0:3] = \((0..<3).map { fmt(model.fc1.bias!.value[$0], 8) })")
    var per: [Int: [W8Run]] = [:]
    for r in 0..<runs {
        for t in threads {
            Threading.threadCount = t
            let run = trainW8(data, steps: steps)
            per[t, default: []].append(run)
            say("W8 run \(r) threads \(t): median step \(fmt(Stats(run.stepSeconds).median * 1e6, 1)) us, total \(fmt(run.total, 2)) s (CPU \(fmt(run.cpu, 2)) s); loss first batch \(fmt(run.firstBatchLoss, 6)) init train \(fmt(run.initTrainLoss, 6)) -> train \(fmt(run.trainLoss, 6)) dev \(fmt(run.devLoss, 6)) test \(fmt(run.testLoss, 6)); samples \(run.samples.joined(separator: ", "))")
        }
    }
    var results: [String: Any] = [:]
    for t in threads {
        let runsT = per[t]!
        let medians = runsT.map { Stats($0.stepSeconds).median * 1e6 }
        let blocks = runsT.flatMap { run in stride(from: 0, to: run.stepSeconds.count, by: 1000).map {
            Stats(Array(run.stepSeconds[$0..<min($0 + 1000, run.stepSeconds.count)])).median * 1e6 } }
        results[String(t)] = [
            "us_per_step": ["median": Stats(medians).median, "min": Stats(blocks).min, "max": Stats(blocks).max, "n": blocks.count],
            "us_per_step_runs": medians,
            "cpu_us_per_step": runsT.map { $0.cpu / Double(steps) * 1e6 },
            "total_s": Stats(runsT.map(\.total)).json,
            "cpu_seconds_per_wall_second": Stats(runsT.map { $0.cpu / $0.total }).json,
            "first_batch_loss": runsT.map(\.firstBatchLoss), "init_train_loss": runsT.map(\.initTrainLoss),
            "loss_step_10000": runsT.map { $0.losses.count >= 10_000 ? $0.losses[9999] : .nan },
            "train_loss": runsT.map(\.trainLoss), "dev_loss": runsT.map(\.devLoss), "test_loss": runsT.last!.testLoss,
            "samples": runsT.last!.samples,
        ]
    }
    return ["workload": "W8", "impl": "backprop-swift", "steps": steps, "runs": runs, "results": results]
}
