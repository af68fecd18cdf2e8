#!/usr/bin/env bash
# Instructions per W2 training step, counted by valgrind's callgrind (stable on a noisy machine,
# unlike wall time). Runs 500 warm-up + STEPS timed steps and divides the total by their sum
# (start-up is included, so this slightly overstates the per-step count).
#   bash scripts/w2-instructions.sh [STEPS]      (from the project root, after a release build)
set -euo pipefail
STEPS=${1:-2000}
BIN=$(mktemp /tmp/benchmarks-stripped.XXXXXX)
cp .build/release/benchmarks "$BIN"
chmod +x "$BIN"; strip --strip-debug "$BIN"         # valgrind 3.19 cannot read Swift 6.3's debug info
OUT=$(mktemp /tmp/callgrind.XXXXXX)
valgrind --tool=callgrind --callgrind-out-file="$OUT" "$BIN" W2 --threads 1 --repeats 1 --w2-steps "$STEPS" > /dev/null 2> "$OUT.log"
TOTAL=$(grep -o 'Collected : [0-9]*' "$OUT.log" | grep -o '[0-9]*$')
echo "instructions per step: $((TOTAL / (STEPS + 500))) (total $TOTAL, profile $OUT)"
rm -f "$BIN"
