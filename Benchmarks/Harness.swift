// Timing, statistics, resource usage and the JSON record shared by the workloads.
import CBackpropKernels
import Foundation

/// Seconds on a monotonic clock.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds of this process, all threads (user + system), like Python's `process_time()`.
func cpuTime() -> Double {
    var usage = rusage()
    getrusage(0, &usage)  // 0: RUSAGE_SELF on Linux and Darwin
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}

/// Peak resident set size of this process so far, in MiB (`getrusage` `ru_maxrss`, KiB on Linux).
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(0, &usage)  // 0: RUSAGE_SELF on Linux and Darwin
    return Double(usage.ru_maxrss) / 1024
}

/// Current resident set size in MiB (from /proc/self/statm), to show what a workload added.
func currentRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return .nan }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return .nan }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

/// Median, minimum, maximum and count, as the peers' `common.stats` reports them.
struct Stats {
    let median: Double, min: Double, max: Double, n: Int
    init(_ values: [Double]) {
        let s = values.sorted()
        n = s.count
        min = s.first ?? .nan
        max = s.last ?? .nan
        median = s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }
    var json: [String: Any] { ["median": median, "min": min, "max": max, "n": n] }
}

/// `(busy, steal)` jiffies of the whole machine from /proc/stat's first line.
private func procStat() -> (busy: Double, steal: Double)? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = text.split(separator: "\n").first else { return nil }
    var f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    while f.count < 8 { f.append(0) }
    return (f[0] + f[1] + f[2] + f[5] + f[6], f[7])
}

/// Where the process started, for the noise report (other processes' CPU use meanwhile).
nonisolated(unsafe) private var startState: (wall: Double, cpu: Double, stat: (busy: Double, steal: Double)?) = (0, 0, nil)

func markStart() { startState = (now(), cpuTime(), procStat()) }

/// How busy the machine was with other work since the start (the peers' `foreign_load`).
func foreignLoad() -> [String: Any]? {
    guard let p0 = startState.stat, let p1 = procStat() else { return nil }
    let wall = now() - startState.wall
    let own = cpuTime() - startState.cpu
    let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
    let busy = (p1.busy - p0.busy) / hz
    let cpus = Double(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    return ["wall_s": wall, "own_cpu_s": own, "machine_busy_cpu_s": busy,
            "foreign_cpu_fraction": Swift.max(0, busy - own) / (wall * cpus),
            "steal_fraction": (p1.steal - p0.steal) / hz / (wall * cpus)]
}

func machineInfo() -> [String: Any] {
    var cpu = "?"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
       let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
       let colon = line.firstIndex(of: ":") {
        cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var load = [Double](repeating: 0, count: 3)
    _ = getloadavg(&load, 3)
    let env = ProcessInfo.processInfo.environment
    return ["cpu": cpu, "gemm_path": gemmPath, "flush_denormals": bp_flush_denormal() == 1, "nproc": Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), "loadavg_at_start": load,
            "platform": "Linux", "swift_build": "release",
            "env": ["OPENBLAS_CORETYPE": env["OPENBLAS_CORETYPE"] as Any? ?? NSNull(),
                    "OPENBLAS_L2_SIZE": env["OPENBLAS_L2_SIZE"] as Any? ?? NSNull()]]
}

/// The matrix-multiply code path the run uses (`--isa`; "best" resolved to its name).
nonisolated(unsafe) var gemmPath = gemmPathName(bp_gemm_select_isa(Int32(BP_GEMM_ISA_BEST)))

func gemmPathName(_ isa: Int32) -> String {
    switch Int(isa) {
    case Int(BP_GEMM_ISA_AVX512): "avx512"
    case Int(BP_GEMM_ISA_AVX2): "avx2"
    case Int(BP_GEMM_ISA_NEON): "neon"
    default: "portable"
    }
}

/// One machine-readable line per workload, in the peers' format (see shared/bench/peers/common.py).
func jsonLine(_ record: [String: Any]) -> String {
    var r = record
    var m = machineInfo()
    m["foreign_load"] = foreignLoad() ?? NSNull()
    r["machine"] = m
    let data = (try? JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

/// Prints a progress line at once (stdout is a pipe under the comparison script).
func say(_ s: String) {
    print(s)
    fflush(nil)
}

func fmt(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

// MARK: - The FMA floor

/// The machine's fp32 FMA peak in GFLOP/s by thread count (`--fma-peak 1:174.4,2:338.8`), as
/// W4 measures it (../shared/bench/peers/w4_peak.c) for the code path this run uses: the
/// AVX-512 peak for `gemm_path` avx512, the AVX2 one for avx2. Empty: no floors are reported.
nonisolated(unsafe) var fmaPeak: [Int: Double] = [:]
/// The code path the peak was measured for (`--fma-peak-isa`), checked against `gemmPath`.
nonisolated(unsafe) var fmaPeakISA: String? = nil

/// Parses `1:174.4,2:338.8` (GFLOP/s per thread count).
func parseFMAPeak(_ text: String) -> [Int: Double] {
    var peaks: [Int: Double] = [:]
    for item in text.split(separator: ",") {
        let parts = item.split(separator: ":")
        guard parts.count == 2, let t = Int(parts[0]), t > 0, let g = Double(parts[1]), g > 0 else {
            fatalError("benchmarks: --fma-peak \(text): expected THREADS:GFLOPS[,THREADS:GFLOPS...], e.g. 1:174.4,2:338.8")
        }
        peaks[t] = g
    }
    return peaks
}

/// The FMA floor of `flops` FLOPs at `threads` threads: the seconds they take at the peak.
func fmaFloorSeconds(_ flops: Double, threads: Int) -> Double? {
    fmaPeak[threads].map { flops / ($0 * 1e9) }
}

/// A stats record of seconds, plus (with a peak) the FMA floor of `flops` and median / floor.
func floorStats(_ seconds: [Double], flops: Double, threads: Int) -> [String: Any] {
    let s = Stats(seconds)
    var json = s.json
    if let floor = fmaFloorSeconds(flops, threads: threads) {
        json["floor_s"] = floor
        json["floor_ratio"] = s.median / floor
        json["fma_peak_gflops"] = fmaPeak[threads]!
    }
    return json
}

/// "  2.31× the FMA floor" for a time of `seconds` doing `flops` FLOPs, or "" without a peak.
func floorText(_ seconds: Double, flops: Double, threads: Int) -> String {
    fmaFloorSeconds(flops, threads: threads).map { "  \(fmt(seconds / $0, 2))× the FMA floor" } ?? ""
}

/// "  86.2% of peak" for a rate of `gflops` GFLOP/s, or "" without a peak.
func peakText(_ gflops: Double, threads: Int) -> String {
    fmaPeak[threads].map { "  \(fmt(100 * gflops / $0, 1))% of peak" } ?? ""
}

/// The record-level description of the peak used, if any.
func fmaPeakJSON() -> [String: Any] {
    guard !fmaPeak.isEmpty else { return [:] }
    return ["fma_peak_gflops": Dictionary(uniqueKeysWithValues: fmaPeak.map { (String($0.key), $0.value) }),
            "fma_peak_isa": fmaPeakISA.map { $0 as Any } ?? NSNull()]
}
