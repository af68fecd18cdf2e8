#!/usr/bin/env bash
# Builds the DocC reference (Sources/Backprop/Backprop.docc plus every public symbol) with the
# `docc` that ships with the toolchain, and fails on any warning.
#
#   bash scripts/build-docs.sh            # writes .build/docs (a static site)
#   bash scripts/build-docs.sh --preview  # serves it at http://localhost:8080/documentation/backprop
#
# Symbol graphs come from a compile of the library in its own scratch directory (the extra
# compiler flags would otherwise invalidate the normal .build), then `docc convert` joins them
# with the catalog's articles.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
graphs=.build/symbol-graphs
out=.build/docs
rm -rf "$graphs" && mkdir -p "$graphs"
# The umbrella's graph is written only when the umbrella compiles; force that (one small file),
# since its graph holds the symbols of every module beneath and must follow their changes.
rm -f .build/docs-build/*/debug/Modules/Backprop.o .build/docs-build/*/debug/Modules/Backprop.swiftmodule
swift build --scratch-path .build/docs-build --target Backprop \
  -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$PWD/$graphs"
# The umbrella module's graph holds the symbols of every module it re-exports (@_exported
# import), so it alone is documented: the catalog is one module, `Backprop`, as users import it.
find "$graphs" -name '*.symbols.json' ! -name 'Backprop.symbols.json' ! -name 'Backprop@*.symbols.json' -delete
if [ "${1:-}" = "--preview" ]; then
  exec docc preview Sources/Backprop/Backprop.docc --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name Backprop --fallback-bundle-identifier org.backprop.Backprop
fi
docc convert Sources/Backprop/Backprop.docc --additional-symbol-graph-dir "$graphs" \
  --fallback-display-name Backprop --fallback-bundle-identifier org.backprop.Backprop \
  --output-path "$out" --transform-for-static-hosting --warnings-as-errors
echo "documentation in $out: serve it (python3 -m http.server -d $out) and open /documentation/backprop"
