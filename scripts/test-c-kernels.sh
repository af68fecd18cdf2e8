#!/usr/bin/env bash
# Builds and runs the C kernel test program (Tests/CKernels/kernel_tests.c) against the kernels
# in Sources/CBackpropKernels:
#   native   with $CC (default: clang if present, else cc), every path this CPU supports;
#   aarch64  cross-compiled with Debian's aarch64-linux-gnu-gcc and run under qemu-aarch64
#            (the NEON paths), when both are installed; otherwise says so and skips.
# Usage: scripts/test-c-kernels.sh [native|aarch64|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out="${TMPDIR:-/tmp}/backprop-c-kernels.$$"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
sources=(Sources/CBackpropKernels/*.c Tests/CKernels/kernel_tests.c)
# -ffp-contract=off: GCC ignores `#pragma STDC FP_CONTRACT OFF` (clang, which SwiftPM uses, honours it).
flags=(-std=gnu11 -O2 -Wall -Wextra -ffp-contract=off -fno-math-errno -pthread -I Sources/CBackpropKernels/include)

if [[ "$what" == native || "$what" == all ]]; then
    cc="${CC:-$(command -v clang || command -v cc)}"
    echo "== native ($("$cc" --version | head -1))"
    "$cc" "${flags[@]}" "${sources[@]}" -o "$out/native" -lm
    "$out/native"
fi

if [[ "$what" == aarch64 || "$what" == all ]]; then
    if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
        echo "== aarch64 under qemu-user ($(aarch64-linux-gnu-gcc --version | head -1))"
        aarch64-linux-gnu-gcc "${flags[@]}" -Wno-unknown-pragmas "${sources[@]}" -o "$out/aarch64" -lm
        qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/aarch64"
    else
        echo "== aarch64: skipped (needs aarch64-linux-gnu-gcc and qemu-aarch64:" \
             "apt-get install gcc-aarch64-linux-gnu qemu-user)"
    fi
fi
