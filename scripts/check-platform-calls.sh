#!/usr/bin/env bash
# Fails when a Swift file in Sources/ other than the platform shim
# (Sources/*/Kernels/Platform.swift) reaches the C library in a platform-specific way:
#   - imports Glibc, Musl, Darwin, ucrt, WinSDK, Android or Bionic (Foundation is portable and
#     re-exports the C library; anything else goes through `Platform`),
#   - qualifies a call with one of those modules (`Glibc.write`),
#   - branches on them (`#if canImport(Glibc)`, `#if os(Linux)`),
#   - reads Linux-only files (/proc, /sys).
# C sources are checked by compiling them for x86-64 and for aarch64 (scripts/test-c-kernels.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
modules='Glibc|Musl|Darwin|ucrt|WinSDK|Android|Bionic'
patterns=(
    "^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]+(($modules)([.[:space:]]|$))"
    "(^|[^A-Za-z0-9_.])($modules)\.[A-Za-z_]"
    "canImport\(($modules)\)"
    "#(else)?if[^\n]*os\((Linux|macOS|iOS|tvOS|watchOS|visionOS|Windows|Android|FreeBSD|OpenBSD)\)"
    "\"/(proc|sys)/"
)
status=0
while IFS= read -r file; do
    case "$file" in */Kernels/Platform.swift) continue ;; esac
    for pattern in "${patterns[@]}"; do
        if hits=$(grep -nE "$pattern" "$file"); then
            while IFS= read -r hit; do
                echo "$file:$hit: platform-specific call outside the shim (use Foundation or Platform in Kernels/Platform.swift)"
            done <<< "$hits"
            status=1
        fi
    done
done < <(find Sources -name '*.swift' | sort)
if [[ $status == 0 ]]; then echo "platform calls: every platform-specific call in Sources/ goes through the shim"; fi
exit $status
