"""Ratios Backprop / peer from the JSON lines of `benchmarks --json` and run-peers.sh.

Usage: python scripts/bench-ratios.py OURS.jsonl PEERS.jsonl [RSS.txt] [--peak PEAK.json]
Per workload and thread count: our median and the peer's (median of all repetitions of all
rounds), with [min, max], and ours / peer. For W3 the ratio is peer GFLOP/s / ours, so that
below 1 always means Backprop is faster.

With an FMA peak (PEAK.json as scripts/bench-compare.sh writes it, else the fma_peak_gflops that
`benchmarks --fma-peak` put in OURS.jsonl), two more columns hold each side's distance from the
machine's limit at the same peak: a time as a multiple of its FMA floor (the workload's
matrix-product FLOPs at the peak of that thread count), a W3 rate as a percentage of the peak.
"""
import argparse
import json
import statistics
import sys
from collections import defaultdict


def load(path):
    return [json.loads(l) for l in open(path) if l.strip().startswith("{")]


def impl_name(r):
    impl = r["impl"]
    if impl.startswith("numpy"):
        arch = next((b.get("architecture") for b in r.get("blas_loaded", []) if b.get("internal_api") == "openblas"), "?")
        return f"{impl} (OpenBLAS {arch})"
    return impl


def values(records, workload, pick):
    """{(impl, key, threads): [every repetition]} for one workload."""
    out = defaultdict(list)
    for r in records:
        if r["workload"] != workload:
            continue
        for t, res in r["results"].items():
            for key, v in pick(t, res):
                out[(impl_name(r), key, t)] += v
    return out


def w1(t, res):
    if "epoch_seconds_all" not in res:
        return []
    timed = [e[i] for e in res["epoch_seconds_all"] for i in (1, 2, 3)]
    out = [("W1 epoch (s)", timed)]
    if "infer_10k_full_batch_s" in res:
        out.append(("W5 10k in one batch (ms)", [1e3 * res["infer_10k_full_batch_s"]["median"]]))
        out.append(("W5 10k in batches of 128 (ms)", [1e3 * res["infer_10k_batch128_s"]["median"]]))
    return out


def w7(t, res):
    if "epoch_seconds_all" not in res:
        return []
    return [("W7 epoch 2 (s)", [e[-1] for e in res["epoch_seconds_all"]]),
            ("W7 10k inference, batches of 1000 (ms)", [1e3 * res["infer_10k_batch1000_s"]["median"]])]


def w2(t, res):
    return [("W2 step (us)", res.get("all", [res["us_per_step"]["median"]]))]


def w8(t, res):
    return [("W8 step (us)", res["us_per_step_runs"])]


def fmt(v):
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


W1_SIZES = [784, 256, 128, 10]


def floor_flops(ours):
    """{row key: (FLOPs, seconds per unit of the row)} of the time rows, from our records (the
    peers' W1 records do not carry W5's FLOPs; the same figures apply to both sides)."""
    out = {}
    for r in ours:
        if r["workload"] == "W1":
            infer = r.get("infer_flops", 2 * 10000 * sum(a * b for a, b in zip(W1_SIZES, W1_SIZES[1:])))
            out["W1 epoch (s)"] = (r["flops_per_epoch"], 1.0)
            out["W5 10k in one batch (ms)"] = (infer, 1e-3)
            out["W5 10k in batches of 128 (ms)"] = (infer, 1e-3)
        elif r["workload"] == "W7":
            out["W7 epoch 2 (s)"] = (r["flops_per_epoch"], 1.0)
            out["W7 10k inference, batches of 1000 (ms)"] = (r["infer_flops"], 1e-3)
    return out


def load_peak(path, ours):
    """({threads: GFLOP/s}, description) from PEAK.json, else from our records, else ({}, why)."""
    if path:
        p = json.load(open(path))
        peaks = p.get("fma_peak_gflops") or {}
        if not peaks:
            return {}, f"no FMA peak ({p.get('why', 'none in ' + path)}; gemm path {p.get('gemm_path', '?')})"
        desc = ", ".join(f"{t} thread{'s' if t != '1' else ''} {v['median']:.1f} GFLOP/s [{v['min']:.1f}, {v['max']:.1f}] n={v['n']}"
                         for t, v in peaks.items())
        return ({t: v["median"] for t, v in peaks.items()},
                f"FMA peak (W4's w4_peak.c, {p.get('cflags', '?')}, for gemm path {p.get('gemm_path', '?')}; "
                f"median of gflops_best): {desc}")
    for r in ours:
        if r.get("fma_peak_gflops"):
            peaks = {t: float(v) for t, v in r["fma_peak_gflops"].items()}
            return peaks, (f"FMA peak (passed to benchmarks, for gemm path {r.get('fma_peak_isa') or 'unstated'}): "
                           + ", ".join(f"{t} thread{'s' if t != '1' else ''} {v:.1f} GFLOP/s" for t, v in peaks.items()))
    return {}, "no FMA peak (run scripts/bench-compare.sh, or pass benchmarks --fma-peak)"


def header(ours, peak_desc):
    cpus = sorted({r["machine"].get("cpu", "?") for r in ours if "machine" in r})
    paths = sorted({r["machine"].get("gemm_path", "?") for r in ours if "machine" in r})
    print(f"CPU: {', '.join(cpus) or '?'}; Backprop's gemm path: {', '.join(paths) or '?'}")
    print(peak_desc)
    if "avx2" in paths and " avx512f" in open("/proc/cpuinfo").read():
        print("(Backprop ran its AVX2 path on an AVX-512 CPU: the peak is the AVX2 one; peers may still run AVX-512 "
              "kernels, so their floor columns can beat it.)")
    if len(paths) > 1:
        print("WARNING: our records mix gemm paths; one peak cannot match them all")
    print()


def main():
    ap = argparse.ArgumentParser(description="Ratios Backprop / peer (see the module docstring).")
    ap.add_argument("ours")
    ap.add_argument("peers")
    ap.add_argument("rss", nargs="?")
    ap.add_argument("--peak", help="peak.json of scripts/bench-compare.sh")
    args = ap.parse_args()
    ours, peers = load(args.ours), load(args.peers)
    peaks, peak_desc = load_peak(args.peak, ours)
    header(ours, peak_desc)
    if args.peak and peaks:
        path = json.load(open(args.peak)).get("gemm_path")
        other = sorted({r["machine"].get("gemm_path") for r in ours if "machine" in r} - {path})
        if other:
            print(f"WARNING: the peak was measured for {path} but our records ran on {', '.join(other)}\n")
    flops = floor_flops(ours)

    def vs_floor(key, t, median):
        """'2.31×' (time / FMA floor), or '—' without a peak or FLOPs for the row."""
        if key not in flops or t not in peaks:
            return "—"
        f, unit = flops[key]
        return f"{median * unit / (f / (peaks[t] * 1e9)):.2f}×"

    def of_peak(t, gflops):
        return f"{100 * gflops / peaks[t]:.1f}%" if t in peaks else "—"

    rows = []
    for workload, pick in (("W1", w1), ("W2", w2), ("W7", w7), ("W8", w8)):
        mine = values(ours, workload, pick)
        theirs = values(peers, workload, pick)
        for (impl, key, t), vs in sorted(mine.items(), key=lambda kv: (kv[0][1], kv[0][2])):
            for (pimpl, pkey, pt), pvs in sorted(theirs.items()):
                if pkey != key or pt != t:
                    continue
                m, p = statistics.median(vs), statistics.median(pvs)
                rows.append((key, t, pimpl, f"{fmt(m)} [{fmt(min(vs))}, {fmt(max(vs))}] n={len(vs)}",
                             f"{fmt(p)} [{fmt(min(pvs))}, {fmt(max(pvs))}] n={len(pvs)}", m / p,
                             vs_floor(key, t, m), vs_floor(key, t, p)))
    # W3: GFLOP/s per shape and thread count; ratio = peer / ours (time ratio).
    def w3vals(records):
        out = defaultdict(list)
        for r in records:
            if r["workload"] == "W3":
                for shape, per in r["results"].items():
                    for t, s in per.items():
                        out[(impl_name(r), shape, t)].append(s["median"])
        return out
    mine, theirs = w3vals(ours), w3vals(peers)
    for (impl, shape, t), vs in sorted(mine.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        for (pimpl, pshape, pt), pvs in sorted(theirs.items()):
            if pshape == shape and pt == t:
                m, p = statistics.median(vs), statistics.median(pvs)
                rows.append((f"W3 {shape} (GFLOP/s)", t, pimpl, f"{m:.1f} [{min(vs):.1f}, {max(vs):.1f}] n={len(vs)}",
                             f"{p:.1f} [{min(pvs):.1f}, {max(pvs):.1f}] n={len(pvs)}", p / m,
                             of_peak(t, m), of_peak(t, p)))
    print("| workload | threads | peer | Backprop median [min, max] | peer median [min, max] | time ratio Backprop/peer "
          "| Backprop: × FMA floor (W3: % of peak) | peer: × FMA floor (W3: % of peak) |")
    print("|---|---|---|---|---|---|---|---|")
    for key, t, pimpl, m, p, ratio, mf, pf in rows:
        print(f"| {key} | {t} | {pimpl} | {m} | {p} | **{ratio:.2f}** | {mf} | {pf} |")
    if peaks:
        if flops:
            print("\nFMA floor = the workload's matrix-product FLOPs at the FMA peak above for that thread count ("
                  + "; ".join(f"{k.rsplit(' (', 1)[0]}: {f / 1e9:.2f} GFLOP" for k, (f, _) in sorted(flops.items()))
                  + "); × FMA floor = median time / floor (1.00× would keep every FMA unit busy all the time).")
        if any(r[0].startswith("W3") for r in rows):
            print("\nW3: % of peak = median GFLOP/s / the FMA peak above for that thread count.")
        beyond = [r for r in rows if any(c.endswith("%") and float(c[:-1]) > 100 or c.endswith("×") and float(c[:-1]) < 1
                                         for c in r[6:8])]
        if beyond:
            print(f"\nWARNING: {len(beyond)} row(s) beat the FMA peak (above 100% or below 1.00×): the peak was measured "
                  "low (a busy machine while w4_peak ran?), or the row ran a wider code path than the peak's (a peer's AVX-512 "
                  "kernel against the AVX2 peak of ISA=avx2).")
    checks = [r for r in ours if r["workload"] in ("W1", "W2", "W7", "W8")]
    for r in checks:
        for t, res in r["results"].items():
            if r["workload"] == "W1":
                print(f"\nW1 checks, {t} thread(s): first-batch loss {res['first_batch_loss']}, epoch losses (run 0) "
                      f"{[round(x, 4) for x in res['epoch_loss_run0']]}, test accuracy {res['test_acc']}", end="")
            elif r["workload"] == "W8":
                print(f"\nW8 checks, {t} thread(s): losses first batch {res['first_batch_loss']}, init train "
                      f"{res['init_train_loss']}, train {res['train_loss']}, dev {res['dev_loss']}; samples {res['samples']}", end="")
            elif r["workload"] == "W7":
                print(f"\nW7 checks, {t} thread(s): first-batch loss {res['first_batch_loss']}, epoch losses "
                      f"{res['epoch_loss']}, test accuracy {res['test_acc']}", end="")
            else:
                print(f"\nW2 checks, {t} thread(s): losses {res['losses']}", end="")
    print()
    if args.rss:
        rss = dict(l.split() for l in open(args.rss) if l.strip() and not l.startswith("#"))
        if rss:
            print("\n| peak RSS of one W1 run (1 thread) | MiB | Backprop / this |\n|---|---|---|")
            ours_kib = float(rss.get("backprop-swift", "nan"))
            for name, kib in rss.items():
                print(f"| {name} | {float(kib) / 1024:.0f} | {ours_kib / float(kib):.2f} |")


if __name__ == "__main__":
    main()
