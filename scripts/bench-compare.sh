#!/usr/bin/env bash
# Runs the benchmark peers (the PyTorch and NumPy scripts of ../shared/bench/peers, the way
# run-peers.sh runs them) and Backprop's `benchmarks` in one sitting, interleaved workload by
# workload, ROUNDS times, then prints ratios ours / peer (medians over everything measured;
# < 1 means Backprop is faster).
#
#   bash scripts/bench-compare.sh [ROUNDS] [W1 W2 W3 W7 W8]  (from the project root; W7 takes
#                                                             minutes per side and thread count)
#
# Environment: BENCH_DIR (the peers' bench folder, default ../shared/bench beside the checkout),
# BACKPROP_PYTHON (a Python with torch and numpy, default python3), OUT (default
# $TMPDIR/bench-compare),
# W3_MAX (largest W3 size for both sides, default 1024; 4096 takes minutes per side),
# BACKPROP_MNIST_DIR (default data/mnist, see scripts/get-mnist.sh), THREADS (W1/W3 thread counts, default 1,2),
# NAMES (W8's names.txt, default ../shared/datasets/names/names.txt),
# W2_THREADS (default 1: PyTorch's 2-thread W2 spins in its thread pool for minutes when the
# other core is busy, as on a shared machine),
# ISA (default best: `benchmarks --isa`, the matrix multiply's code path; avx2 measures the AVX2
# path on an AVX-512 CPU, and holds the peers to AVX2: ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS,
# ONEDNN_MAX_CPU_ISA, OPENBLAS_CORETYPE=Haswell).
# FMA floor: before the workloads the fp32 FMA peak is measured the way W4 does it, for the code
# path the run uses (w4_peak.c built with -mavx512f -mfma for gemm path avx512, -mavx2 -mfma for
# avx2; 3 runs per thread count of THREADS, median of gflops_best), written to $OUT/peak.json and
# passed to `benchmarks --fma-peak`, so W1/W5/W7 times show as multiples of their FMA floor and
# W3 rates as % of peak, ours and the peers' alike (ratios.md). Paths without a W4 build
# (portable, neon) get no peak.
# Peak RSS of W1 is measured for both sides the same way: one training run of W1 (1 thread)
# in its own process, `/usr/bin/time -f %M` (max resident set size, KiB).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-2}; shift || true
WANT=${*:-W2 W1 W3}
BENCH=${BENCH_DIR:-$ROOT/../shared/bench}
[ -d "$BENCH/peers" ] || { echo "bench-compare: no peers in $BENCH/peers (set BENCH_DIR)" >&2; exit 1; }
OUT=${OUT:-${TMPDIR:-/tmp}/bench-compare}
W3_MAX=${W3_MAX:-1024}
MNIST=${BACKPROP_MNIST_DIR:-$ROOT/data/mnist}
NAMES=${NAMES:-$ROOT/../shared/datasets/names/names.txt}
THREADS=${THREADS:-1,2}
W2_THREADS=${W2_THREADS:-1}
PY=${BACKPROP_PYTHON:-python3}
ISA=${ISA:-best}
NOENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)   # let OpenBLAS pick its AVX-512 kernel (as run-peers.sh)
mkdir -p "$OUT"
: > "$OUT/ours.jsonl"; : > "$OUT/peers.jsonl"; : > "$OUT/rss.txt"; : > "$OUT/peers.log"

swift build -c release --product benchmarks 2>&1 | tail -1
OURS="$ROOT/.build/release/benchmarks"
GEMM_PATH=$("$OURS" --isa "$ISA" --gemm-path)
# On the AVX2 path the peers are held to AVX2 as well (PyTorch's own kernels, MKL, oneDNN and
# OpenBLAS each have a switch), so an AVX-512 machine gives an AVX2-against-AVX2 comparison.
if [ "$GEMM_PATH" = avx2 ]; then
  export ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2
  NOENV=(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=Haswell)
fi

# The FMA peak of this machine for the run's code path, measured as W4 does
# (../shared/bench/peers/w4_cpu_limits.py: gcc -O3 ISA -pthread w4_peak.c; the last line of its
# output is JSON with gflops_best), 3 runs per thread count, interleaved.
PEAK_RUNS=3
PEAK_ARGS=()
: > "$OUT/peak-runs.jsonl"
case $GEMM_PATH in
  avx512) PEAK_CFLAGS="-mavx512f -mfma" ;;
  avx2) PEAK_CFLAGS="-mavx2 -mfma" ;;
  *) PEAK_CFLAGS="" ;;
esac
if [ -n "$PEAK_CFLAGS" ] && command -v gcc > /dev/null; then
  echo "== FMA peak for gemm path $GEMM_PATH: gcc -O3 $PEAK_CFLAGS w4_peak.c, threads $THREADS, $PEAK_RUNS runs ($(date +%T))" >&2
  # shellcheck disable=SC2086  # PEAK_CFLAGS is two flags
  gcc -O3 $PEAK_CFLAGS -pthread "$BENCH/peers/w4_peak.c" -o "$OUT/w4_peak"
  for r in $(seq 1 "$PEAK_RUNS"); do
    for t in ${THREADS//,/ }; do
      "$OUT/w4_peak" "$t" | tail -n 1 >> "$OUT/peak-runs.jsonl"
    done
  done
  PEAK_ARG=$(python3 - "$OUT/peak-runs.jsonl" "$OUT/peak.json" "$GEMM_PATH" "$PEAK_CFLAGS" "$(gcc --version | head -n 1)" <<'PY'
import json, statistics, sys
runs_path, out, path, cflags, compiler = sys.argv[1:]
runs = [json.loads(l) for l in open(runs_path) if l.strip().startswith("{")]
by_threads = {}
for r in runs:
    by_threads.setdefault(r["threads"], []).append(r["gflops_best"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
peaks = {str(t): {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}
         for t, v in sorted(by_threads.items())}
json.dump({"what": "fp32 FMA peak (GFLOP/s), W4's w4_peak.c, median of gflops_best over runs",
           "gemm_path": path, "cflags": f"-O3 {cflags} -pthread", "compiler": compiler, "cpu": cpu,
           "loadavg_after": open("/proc/loadavg").read().split()[:3], "fma_peak_gflops": peaks, "runs": runs}, open(out, "w"), indent=1)
print(",".join(f"{t}:{p['median']:.2f}" for t, p in peaks.items()))
PY
)
  echo "== FMA peak ($GEMM_PATH): $PEAK_ARG GFLOP/s by threads" >&2
  PEAK_ARGS=(--fma-peak "$PEAK_ARG" --fma-peak-isa "$GEMM_PATH")
else
  echo "== no FMA peak: gemm path $GEMM_PATH has no W4 build here (or no gcc)" >&2
  printf '{"gemm_path": "%s", "fma_peak_gflops": null, "why": "no W4 build of w4_peak.c for this path, or no gcc"}\n' "$GEMM_PATH" > "$OUT/peak.json"
fi
# Ours: the chosen code path and the peak measured for it.
ours() { "$OURS" --isa "$ISA" ${PEAK_ARGS[@]+"${PEAK_ARGS[@]}"} "$@"; }

# The W3 peers run W3_SHAPES from common.py; W3_MAX limits ours, and the peers through a
# patched copy of their common.py (sizes above W3_MAX dropped), so both do the same shapes.
PEERDIR="$OUT/peers"
rm -rf "$PEERDIR"; mkdir -p "$PEERDIR/peers"
cp "$BENCH"/peers/* "$PEERDIR/peers/"
chmod -R u+w "$PEERDIR"
python3 - "$PEERDIR/peers/common.py" "$W3_MAX" "$(cd "$BENCH/.." && pwd)" <<'PY'
import re, sys
path, limit, shared = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = open(path).read()
s = s.replace('SHARED = Path(__file__).resolve().parents[2]', f'SHARED = Path({shared!r})')
s = s.replace('W3_SHAPES = [', f'W3_SHAPES = [s for s in [') .replace(
    '(4096, 4096, 4096)]', f'(4096, 4096, 4096)] if max(s) <= {limit}]')
open(path, "w").write(s)
PY

for round in $(seq 1 "$ROUNDS"); do
  for w in $WANT; do
    echo "== round $round $w: peers ($(date +%T))" >&2
    P="$PEERDIR/peers"
    peer() { "$@" > "$OUT/peer.tmp" 2>> "$OUT/peers.log" && tail -n 1 "$OUT/peer.tmp" >> "$OUT/peers.jsonl" || echo "peer failed: $*" >&2; }
    case $w in
      W1) peer "$PY" "$P/w1_mnist_torch.py" --threads "$THREADS" --runs 1
          peer "${NOENV[@]}" "$PY" "$P/w1_mnist_numpy.py" --threads "$THREADS" --runs 1 ;;
      W2) peer "$PY" "$P/w2_tiny_torch.py" --threads "$W2_THREADS" --repeats 5
          peer "${NOENV[@]}" "$PY" "$P/w2_tiny_numpy.py" --repeats 5 ;;
      W7) peer "$PY" "$P/w7_cnn_torch.py" --threads "$THREADS" --runs 1 ;;
      W3) peer "${NOENV[@]}" "$PY" "$P/w3_sgemm_numpy.py" --threads "$THREADS"
          peer "$PY" "$P/w3_sgemm_torch.py" --threads "$THREADS" ;;
      W8) peer "$PY" "$P/w8_charlm_torch.py" --threads "$THREADS" --runs 1 ;;
    esac
    echo "== round $round $w: Backprop ($(date +%T))" >&2
    case $w in
      W1) ours W1 W5 --threads "$THREADS" --runs 1 --mnist "$MNIST" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W7) ours W7 --threads "$THREADS" --runs 1 --mnist "$MNIST" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W2) ours W2 --threads "$W2_THREADS" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W3) ours W3 --threads "$THREADS" --w3-max "$W3_MAX" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W8) ours W8 --threads "$THREADS" --runs 1 --names "$NAMES" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
    esac
  done
done

case " $WANT " in *" W1 "*)
  echo "== peak RSS of one W1 training run, 1 thread ($(date +%T))" >&2
  /usr/bin/time -f "backprop-swift %M" -a -o "$OUT/rss.txt" "$OURS" --isa "$ISA" W1 --threads 1 --runs 1 --mnist "$MNIST" > /dev/null
  /usr/bin/time -f "pytorch-eager %M" -a -o "$OUT/rss.txt" "$PY" "$PEERDIR/peers/w1_mnist_torch.py" --threads 1 --runs 1 > /dev/null 2>&1
  "${NOENV[@]}" /usr/bin/time -f "numpy-by-hand %M" -a -o "$OUT/rss.txt" "$PY" "$PEERDIR/peers/w1_mnist_numpy.py" --threads 1 --runs 1 > /dev/null 2>&1
;; esac

"$PY" "$ROOT/scripts/bench-ratios.py" "$OUT/ours.jsonl" "$OUT/peers.jsonl" "$OUT/rss.txt" --peak "$OUT/peak.json" | tee "$OUT/ratios.md"
echo "(raw results in $OUT)"
