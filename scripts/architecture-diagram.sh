#!/usr/bin/env bash
# Redraws docs/images/architecture.svg from Package.swift (targets and their dependencies).
#   bash scripts/architecture-diagram.sh           regenerate the picture
#   bash scripts/architecture-diagram.sh --check   fail if the committed picture is out of date (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
picture=docs/images/architecture.svg
fresh=$(swift package dump-package | python3 scripts/architecture-diagram.py)
if [ "${1:-}" = "--check" ]; then
  if [ "$fresh" != "$(cat "$picture")" ]; then
    echo "error: $picture is out of date with Package.swift; run: bash scripts/architecture-diagram.sh" >&2
    exit 1
  fi
  echo "$picture matches Package.swift"
else
  printf '%s\n' "$fresh" > "$picture"
  echo "wrote $picture"
fi
