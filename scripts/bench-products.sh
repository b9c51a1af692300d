#!/usr/bin/env bash
# One core, OpenBLAS against Seismo's small-matrix product (Sources/CSeismoKernels/products.c)
# on the shapes an LSTM step makes, in GFLOP/s (scripts/bench-products/products_vs_openblas.c).
# Run it when nothing else runs.
#
#   scripts/bench-products.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The Swift toolchain's clang, which builds the kernels in the package, unless CC names another.
cc=${CC:-$(command -v clang || echo "$(dirname "$(command -v swift)")/clang")}
"$cc" -O2 -mprefer-vector-width=512 -I Sources/CSeismoKernels/include -I /usr/include/x86_64-linux-gnu \
  scripts/bench-products/products_vs_openblas.c Sources/CSeismoKernels/products.c -o "$work/products" -lopenblas -lm
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/products"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
