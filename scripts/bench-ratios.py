"""Ratios Backprop / peer from the JSON lines of `benchmarks --json` and run-peers.sh.

Usage: python scripts/bench-ratios.py OURS.jsonl PEERS.jsonl [RSS.txt]
Per workload and thread count: our median and the peer's (median of all repetitions of all
rounds), with [min, max], and ours / peer. For W3 the ratio is peer GFLOP/s / ours, so that
below 1 always means Backprop is faster.
"""
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


def main():
    ours, peers = load(sys.argv[1]), load(sys.argv[2])
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
                             f"{fmt(p)} [{fmt(min(pvs))}, {fmt(max(pvs))}] n={len(pvs)}", m / p))
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
                             f"{p:.1f} [{min(pvs):.1f}, {max(pvs):.1f}] n={len(pvs)}", p / m))
    print("| workload | threads | peer | Backprop median [min, max] | peer median [min, max] | time ratio Backprop/peer |")
    print("|---|---|---|---|---|---|")
    for key, t, pimpl, m, p, ratio in rows:
        print(f"| {key} | {t} | {pimpl} | {m} | {p} | **{ratio:.2f}** |")
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
    if len(sys.argv) > 3:
        rss = dict(l.split() for l in open(sys.argv[3]) if l.strip() and not l.startswith("#"))
        if rss:
            print("\n| peak RSS of one W1 run (1 thread) | MiB | Backprop / this |\n|---|---|---|")
            ours_kib = float(rss.get("backprop-swift", "nan"))
            for name, kib in rss.items():
                print(f"| {name} | {float(kib) / 1024:.0f} | {ours_kib / float(kib):.2f} |")


if __name__ == "__main__":
    main()
