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
# other core is busy, as on a shared machine).
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
NOENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)   # let OpenBLAS pick its AVX-512 kernel (as run-peers.sh)
mkdir -p "$OUT"
: > "$OUT/ours.jsonl"; : > "$OUT/peers.jsonl"; : > "$OUT/rss.txt"; : > "$OUT/peers.log"

swift build -c release --product benchmarks 2>&1 | tail -1
OURS="$ROOT/.build/release/benchmarks"

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
      W1) "$OURS" W1 W5 --threads "$THREADS" --runs 1 --mnist "$MNIST" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W7) "$OURS" W7 --threads "$THREADS" --runs 1 --mnist "$MNIST" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W2) "$OURS" W2 --threads "$W2_THREADS" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W3) "$OURS" W3 --threads "$THREADS" --w3-max "$W3_MAX" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
      W8) "$OURS" W8 --threads "$THREADS" --runs 1 --names "$NAMES" --json "$OUT/ours.jsonl" > "$OUT/ours-$round-$w.txt" ;;
    esac
  done
done

case " $WANT " in *" W1 "*)
  echo "== peak RSS of one W1 training run, 1 thread ($(date +%T))" >&2
  /usr/bin/time -f "backprop-swift %M" -a -o "$OUT/rss.txt" "$OURS" W1 --threads 1 --runs 1 --mnist "$MNIST" > /dev/null
  /usr/bin/time -f "pytorch-eager %M" -a -o "$OUT/rss.txt" "$PY" "$PEERDIR/peers/w1_mnist_torch.py" --threads 1 --runs 1 > /dev/null 2>&1
  "${NOENV[@]}" /usr/bin/time -f "numpy-by-hand %M" -a -o "$OUT/rss.txt" "$PY" "$PEERDIR/peers/w1_mnist_numpy.py" --threads 1 --runs 1 > /dev/null 2>&1
;; esac

"$PY" "$ROOT/scripts/bench-ratios.py" "$OUT/ours.jsonl" "$OUT/peers.jsonl" "$OUT/rss.txt" | tee "$OUT/ratios.md"
echo "(raw results in $OUT)"
