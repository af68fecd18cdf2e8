#!/usr/bin/env bash
# Regenerates the pictures in docs/images that examples draw (the examples themselves write
# into out/ by default and never touch docs/):
#   optimizers-*.svg           swift run -c release optimizer-comparison      (chapter 6)
#   batch-vs-minibatch.svg     swift run -c release gradient-descent-variants (chapter 3; its
#                              right panel is wall-clock time, so it changes from run to run)
# Review the result with `git diff --stat docs/images` before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift run -c release optimizer-comparison --out docs/images
swift run -c release gradient-descent-variants --out docs/images
git status --short docs/images
