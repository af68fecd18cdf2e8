#!/usr/bin/env bash
# Downloads MNIST (the four IDX files, uncompressed, original names) and verifies them against
# the SHA-256 sums kept in this repository (scripts/mnist.sha256).
#
#   scripts/get-mnist.sh [FOLDER]            download what is missing into FOLDER (default
#                                            data/mnist, git-ignored), then verify all four
#   scripts/get-mnist.sh --check FOLDER      only verify FOLDER (exit 1 on any mismatch)
#
# Then: swift run -c release mlp-classifier --data data/mnist, and BACKPROP_MNIST_DIR=data/mnist
# for the tests that need MNIST. MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C.
# Burges (CC BY-SA 3.0); the mirrors below serve the original gzip files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sums="$root/scripts/mnist.sha256"
mirrors=(https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist)

check_only=0
if [[ "${1:-}" == --check ]]; then check_only=1; shift; fi
folder="${1:-$root/data/mnist}"

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

verify() {
    local bad=0 sum name actual
    while read -r sum name; do
        if [[ ! -f "$folder/$name" ]]; then echo "missing: $folder/$name"; bad=1; continue; fi
        actual=$(sha256 "$folder/$name")
        if [[ "$actual" != "$sum" ]]; then
            echo "SHA-256 mismatch: $folder/$name is $actual, expected $sum"; bad=1
        fi
    done < "$sums"
    if [[ $bad == 0 ]]; then echo "MNIST in $folder: all four files match scripts/mnist.sha256"; fi
    return $bad
}

if [[ $check_only == 1 ]]; then verify; exit; fi

mkdir -p "$folder"
while read -r sum name; do
    [[ -f "$folder/$name" && "$(sha256 "$folder/$name")" == "$sum" ]] && continue
    for mirror in "${mirrors[@]}"; do
        echo "downloading $mirror/$name.gz"
        if curl -fsSL --retry 2 "$mirror/$name.gz" -o "$folder/$name.gz.part"; then
            gunzip -c "$folder/$name.gz.part" > "$folder/$name.part" && mv "$folder/$name.part" "$folder/$name"
            rm -f "$folder/$name.gz.part"
            break
        fi
        rm -f "$folder/$name.gz.part"
    done
done < "$sums"
verify
