#!/usr/bin/env bash
# Checks `ExactDecimal`, which reads the numbers of scores.csv (and of data files) without
# `strtof` where that is exact, on the text of all 2³² floats as Swift writes them (about 3
# minutes on 2 cores; STRIDE=1000 checks every 1000th): each it reads must be the float written.
# One process per core, each a share of the bit patterns. Exits 1 on any difference.
#
#   scripts/check-exact-decimal.sh            STRIDE=1000 scripts/check-exact-decimal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
stride=${STRIDE:-1}
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swiftc -O -o "$work/check" Sources/SeismoCore/Support/ExactDecimal.swift scripts/exact-decimal/main.swift
pids=()
for ((core = 0; core < cores; core++)); do
  "$work/check" "$((stride * cores))" "$((stride * core))" > "$work/out$core" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$work"/out*
exit $status
