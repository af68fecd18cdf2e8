// Backprop's side of the benchmark workloads in ../shared/bench/WORKLOADS.md.
//
//   swift run -c release benchmarks [W1 W2 W3 W5 W6 W7 W8 ...] [--threads 1,2] [--runs N] [--repeats N]
//                                   [--w3-max SIZE] [--json FILE] [--mnist DIR] [--w6-epochs N]
//                                   [--names FILE] [--w8-steps N] [--isa best|avx512|avx2|neon|portable]
//                                   [--flush-denormals] [--w7-steps N]
//                                   [--fma-peak 1:GFLOPS,2:GFLOPS [--fma-peak-isa PATH]] [--gemm-path]
//
// --isa runs the matrix multiply on the named code path (one the CPU supports), so an AVX-512
// machine can also measure the AVX2 path; results are bit-identical on every path (gemm.c).
// --gemm-path prints the code path --isa resolves to (e.g. avx512 for best) and exits.
//
// --fma-peak gives the machine's fp32 FMA peak per thread count, measured as W4 does
// (../shared/bench/peers/w4_peak.c) for the code path the run uses: the AVX-512 peak for
// gemm path avx512, the AVX2 peak for avx2 (scripts/bench-compare.sh measures it that way).
// With it every W1, W5 and W7 time is also shown as a multiple of its FMA floor (its
// matrix-product FLOPs at that peak: the time no implementation on this path can beat) and
// every W3 rate as a percentage of the peak; the JSON records carry fma_peak_gflops and
// floor_s / floor_ratio (times) or fraction_of_peak (W3). --fma-peak-isa names the path the
// peak was measured for; the run stops if it is not the run's gemm path.
//
// W5 (inference) runs on the network W1 trained, so asking for W5 runs W1. W6 (memory, not in
// WORKLOADS.md) trains W1's network for --w6-epochs epochs (default 20) and reports the
// resident memory after each: it must stay flat. W7 (CNN) trains 2 epochs per thread count and
// times inference (see W7.swift). Each workload
// prints its progress, then a summary table; --json appends one JSON line per workload in the
// peers' format (shared/bench/peers/common.py), plus check values and peak RSS.
import Backprop
import CBackpropKernels
import Foundation

markStart()
var wanted: [String] = []
var threads = [1, 2]
var runs = 1, repeats = 5, w3Max = 4096, w2Steps = 10_000, w6Epochs = 20
var jsonPath: String? = nil
var mnistDirectory = ProcessInfo.processInfo.environment["BACKPROP_MNIST_DIR"] ?? "data/mnist"   // scripts/get-mnist.sh
var namesFile = "../shared/datasets/names/names.txt", w8Steps = 20_000, w7Steps = 200
var printGemmPath = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    func value() -> String {
        guard let v = arguments.next() else { fatalError("benchmarks: \(a) needs a value") }
        return v
    }
    switch a {
    case "--threads": threads = value().split(separator: ",").map { Int($0)! }
    case "--runs": runs = Int(value())!
    case "--repeats": repeats = Int(value())!
    case "--w3-max": w3Max = Int(value())!
    case "--w2-steps": w2Steps = Int(value())!
    case "--json": jsonPath = value()
    case "--mnist": mnistDirectory = value()
    case "--w6-epochs": w6Epochs = Int(value())!
    case "--names": namesFile = value()
    case "--w8-steps": w8Steps = Int(value())!
    case "--w7-steps": w7Steps = Int(value())!
    case "--flush-denormals": _ = setFlushDenormal(true)   // PyTorch's torch.set_flush_denormal(True); off by default, as there
    case "--isa":
        let names = ["best": BP_GEMM_ISA_BEST, "portable": BP_GEMM_ISA_PORTABLE, "avx2": BP_GEMM_ISA_AVX2,
                     "avx512": BP_GEMM_ISA_AVX512, "neon": BP_GEMM_ISA_NEON]
        let name = value()
        guard let isa = names[name] else { fatalError("benchmarks: --isa \(name): expected one of \(names.keys.sorted())") }
        guard isa == BP_GEMM_ISA_BEST || bp_gemm_isa_supported(Int32(isa)) == 1 else { fatalError("benchmarks: --isa \(name): this CPU cannot run that code path") }
        gemmPath = name == "best" ? gemmPathName(bp_gemm_select_isa(Int32(isa))) : name
        _ = bp_gemm_select_isa(Int32(isa))
    case "--fma-peak": fmaPeak = parseFMAPeak(value())
    case "--fma-peak-isa": fmaPeakISA = value()
    case "--gemm-path": printGemmPath = true
    case "-h", "--help":
        print("usage: benchmarks [W1 W2 W3 W5 W6 W7 W7S W8 ...] [--flush-denormals] [--w7-steps N] [--threads 1,2] [--runs N] [--repeats N] [--w3-max SIZE] [--json FILE] [--mnist DIR] [--w6-epochs N] [--names FILE] [--w8-steps N] [--isa best|avx512|avx2|neon|portable] [--fma-peak 1:GFLOPS,2:GFLOPS [--fma-peak-isa PATH]] [--gemm-path]")
        exit(0)
    default:
        guard ["W1", "W2", "W3", "W5", "W6", "W7", "W7S", "W8"].contains(a.uppercased()) else { fatalError("benchmarks: unknown argument \(a)") }
        wanted.append(a.uppercased())
    }
}
if printGemmPath {
    print(gemmPath)
    exit(0)
}
if wanted.isEmpty { wanted = ["W2", "W1", "W5", "W3"] }
if let isa = fmaPeakISA, isa != gemmPath {
    fatalError("benchmarks: --fma-peak-isa \(isa) but the matrix multiply runs on \(gemmPath): the peak must be measured for the run's code path")
}
let floorWorkloads = wanted.filter { ["W1", "W3", "W5", "W7"].contains($0) }
if !fmaPeak.isEmpty && !floorWorkloads.isEmpty {
    say("FMA peak (GFLOP/s by threads, for \(fmaPeakISA.map { "the \($0)" } ?? "an unstated") code path; this run's gemm path: \(gemmPath)): "
        + fmaPeak.sorted { $0.key < $1.key }.map { "\($0.key): \(fmt($0.value, 1))" }.joined(separator: ", "))
}

var records: [[String: Any]] = []
var table: [(String, String, String)] = []   // workload, threads, result

if wanted.contains("W2") {
    let r = runW2(threads: threads, repeats: repeats, steps: w2Steps)
    records.append(r)
    for t in threads {
        let e = (r["results"] as! [String: Any])[String(t)] as! [String: Any]
        let s = e["us_per_step"] as! [String: Any]
        let l = e["losses"] as! [String: Double]
        table.append(("W2 step (us)", String(t), "\(fmt(s["median"] as! Double, 2)) [\(fmt(s["min"] as! Double, 2)), \(fmt(s["max"] as! Double, 2))]  losses 1: \(fmt(l["1"]!, 6)) 200: \(fmt(l["200"]!, 7)) 10000: \(fmt(l["10000"]!, 8))"))
    }
}
if wanted.contains("W1") || wanted.contains("W5") {
    let data: MNISTData
    do { data = try MNISTData.load(directory: mnistDirectory) } catch { fatalError("benchmarks: \(error)") }
    // Init and shuffle checks of WORKLOADS.md.
    let check = multilayerPerceptron(sizes: [784, 256, 128, 10], activation: { ReLU() }, seed: 1)
    let w1 = check.parameters[0].value, b1 = check.parameters[1].value
    let perm = DataLoader(data.train, batchSize: 128, shuffle: true, seed: 2).nextEpochOrder()
    say("W1 init check: W1[0,0:4] = \((0..<4).map { fmt(w1[0, $0], 8) }) b1[0:3] = \((0..<3).map { fmt(b1[$0], 8) }) perm[0:5] = \(perm[0..<5].map { $0 })")
    let r = runW1(data, threads: threads, runs: runs, inference: wanted.contains("W5") || wanted.contains("W1"))
    records.append(r)
    for t in threads {
        let e = (r["results"] as! [String: Any])[String(t)] as! [String: Any]
        let s = e["epoch_seconds"] as! [String: Any]
        let losses = e["epoch_loss_run0"] as! [Double]
        table.append(("W1 epoch (s)", String(t), "\(fmt(s["median"] as! Double)) [\(fmt(s["min"] as! Double)), \(fmt(s["max"] as! Double))]\(floorCell(s))  first-batch loss \(fmt((e["first_batch_loss"] as! [Double])[0], 5)) epoch losses 1: \(fmt(losses[0], 4)) 2: \(fmt(losses[1], 4)) 5: \(fmt(losses[4], 4)) test acc \((e["test_acc"] as! [Double]).map { fmt($0, 4) })"))
        if let f = e["infer_10k_full_batch_s"] as? [String: Any], let b = e["infer_10k_batch128_s"] as? [String: Any] {
            table.append(("W5 10k inference (ms)", String(t), "one batch \(fmt(f["median"] as! Double * 1e3, 2)) [\(fmt(f["min"] as! Double * 1e3, 2)), \(fmt(f["max"] as! Double * 1e3, 2))]\(floorCell(f)), batches of 128 \(fmt(b["median"] as! Double * 1e3, 2))\(floorCell(b))"))
        }
    }
    table.append(("W1 peak RSS (MiB)", "-", fmt(peakRSSMiB(), 1)))
}
if wanted.contains("W6") {
    let data: MNISTData
    do { data = try MNISTData.load(directory: mnistDirectory) } catch { fatalError("benchmarks: \(error)") }
    let r = runMemory(data, epochs: w6Epochs)
    records.append(r)
    let peaks = r["peak_rss_mib_per_epoch"] as! [Double]
    table.append(("W6 peak RSS per epoch (MiB)", "\(Threading.threadCount)", "epoch 1: \(fmt(peaks.first ?? 0, 1)), 2: \(fmt(peaks.count > 1 ? peaks[1] : 0, 1)), \(peaks.count): \(fmt(peaks.last ?? 0, 1)); growth after epoch 2: \(fmt(r["peak_growth_after_epoch2_mib"] as! Double, 1))"))
}
if wanted.contains("W8") {
    let r = runW8(namesFile: URL(fileURLWithPath: namesFile), threads: threads, runs: runs, steps: w8Steps)
    records.append(r)
    for t in threads {
        let e = (r["results"] as! [String: Any])[String(t)] as! [String: Any]
        let s = e["us_per_step"] as! [String: Any]
        func first(_ key: String) -> String { fmt((e[key] as! [Double])[0], 6) }
        table.append(("W8 step (us)", String(t), "\(fmt(s["median"] as! Double, 1)) [\(fmt(s["min"] as! Double, 1)), \(fmt(s["max"] as! Double, 1))] (CPU \(fmt((e["cpu_us_per_step"] as! [Double])[0], 1)))  losses first batch \(first("first_batch_loss")) init train \(first("init_train_loss")) -> train \(first("train_loss")) dev \(first("dev_loss"))"))
    }
}
if wanted.contains("W7S") {
    let data: MNISTData
    do { data = try MNISTData.load(directory: mnistDirectory) } catch { fatalError("benchmarks: \(error)") }
    runW7Steps(data, threads: threads, steps: w7Steps)
}
if wanted.contains("W7") {
    let data: MNISTData
    do { data = try MNISTData.load(directory: mnistDirectory) } catch { fatalError("benchmarks: \(error)") }
    let r = runW7(data, threads: threads, runs: runs, inferenceRepeats: repeats)
    records.append(r)
    for t in threads {
        let e = (r["results"] as! [String: Any])[String(t)] as! [String: Any]
        let s = e["epoch_seconds"] as! [String: Any], i = e["infer_10k_batch1000_s"] as! [String: Any]
        let losses = (e["epoch_loss"] as! [[Double]])[0]
        table.append(("W7 epoch 2 (s)", String(t), "\(fmt(s["median"] as! Double)) [\(fmt(s["min"] as! Double)), \(fmt(s["max"] as! Double))]\(floorCell(s))  first-batch loss \(fmt((e["first_batch_loss"] as! [Double])[0], 6)) epoch-1 loss \(fmt(losses[0], 6)) test acc \((e["test_acc"] as! [Double]).map { fmt($0, 4) })"))
        table.append(("W7 10k inference, batches of 1000 (ms)", String(t), "\(fmt(i["median"] as! Double * 1e3, 1)) [\(fmt(i["min"] as! Double * 1e3, 1)), \(fmt(i["max"] as! Double * 1e3, 1))]\(floorCell(i))"))
    }
    table.append(("W7 peak RSS (MiB)", "-", fmt(peakRSSMiB(), 1)))
}
if wanted.contains("W3") {
    let r = runW3(threads: threads, maxSize: w3Max)
    records.append(r)
    let res = r["results"] as! [String: Any]
    for (m, k, n) in w3Shapes where max(m, k, n) <= w3Max {
        for t in threads {
            let s = (res["\(m)x\(k)x\(n)"] as! [String: Any])[String(t)] as! [String: Any]
            table.append(("W3 \(m)x\(k)x\(n) (GFLOP/s)", String(t), "\(fmt(s["median"] as! Double, 1)) [\(fmt(s["min"] as! Double, 1)), \(fmt(s["max"] as! Double, 1))]\((s["fraction_of_peak"] as? Double).map { "  \(fmt(100 * $0, 1))% of peak" } ?? "")"))
        }
    }
}

print("\n| workload | threads | median [min, max] and checks |\n|---|---|---|")
for (w, t, r) in table { print("| \(w) | \(t) | \(r) |") }
if !floorWorkloads.isEmpty {
    if fmaPeak.isEmpty {
        print("\n(No FMA peak given. To see each W1/W5/W7 time as a multiple of its FMA floor and each W3 rate as a "
              + "percentage of the peak, measure the fp32 FMA peak for this run's code path (gemm path \(gemmPath)) as W4 does "
              + "(../shared/bench/peers/w4_peak.c, built for that ISA, median of gflops_best at 1 and 2 threads) and pass "
              + "--fma-peak 1:GFLOPS,2:GFLOPS; scripts/bench-compare.sh does both.)")
    } else {
        var floors: [String] = []
        if wanted.contains("W1") || wanted.contains("W5") { floors.append("W1 \(fmt(w1Flops / 1e9, 2)) G an epoch, W5 \(fmt(w5Flops(images: 10_000) / 1e9, 3)) G for the 10k test images") }
        if wanted.contains("W7") { floors.append("W7 \(fmt(w7Flops / 1e9, 1)) G an epoch and \(fmt(w7InferFlops / 1e9, 1)) G a 10k inference pass") }
        print("\nFMA peak: " + fmaPeak.sorted { $0.key < $1.key }.map { "\(fmt($0.value, 1)) GFLOP/s on \($0.key) thread\($0.key == 1 ? "" : "s")" }
                  .joined(separator: ", ")
              + " (measured for \(fmaPeakISA ?? "an unstated code path"); this run's gemm path: \(gemmPath)). "
              + (floors.isEmpty ? "" : "FMA floor = the matrix-product FLOPs (\(floors.joined(separator: "; "))) at that peak; "
                  + "\"x× the FMA floor\" = time / floor. ")
              + (wanted.contains("W3") ? "W3: \"% of peak\" = GFLOP/s / peak." : ""))
    }
}
if let jsonPath {
    let lines = records.map { jsonLine($0) }.joined(separator: "\n") + "\n"
    if let h = FileHandle(forWritingAtPath: jsonPath) {
        h.seekToEndOfFile()
        h.write(Data(lines.utf8))
        h.closeFile()
    } else {
        _ = FileManager.default.createFile(atPath: jsonPath, contents: Data(lines.utf8))
    }
}

/// "  2.31× the FMA floor" from a stats record that `floorStats` gave a floor, else "".
func floorCell(_ stats: [String: Any]) -> String {
    (stats["floor_ratio"] as? Double).map { "  \(fmt($0, 2))× the FMA floor" } ?? ""
}
