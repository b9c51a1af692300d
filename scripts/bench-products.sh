#!/usr/bin/env bash
# One core, two C harnesses on Seismo's kernels (Sources/CSeismoKernels), in GFLOP/s and ms:
# - OpenBLAS against Seismo's small-matrix product on the shapes an LSTM step makes
#   (scripts/bench-products/products_vs_openblas.c);
# - what training's kept steps (every step's gates, cell states and hidden states, kept for
#   backpropagation) cost the univariate seed's LSTM layers, forward and backward: the engine's
#   kernel calls for one shard with the steps kept, against the same calls on one cached step
#   (scripts/bench-products/kept_steps.c).
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
"$cc" -O2 -mprefer-vector-width=512 -I Sources/CSeismoKernels/include scripts/bench-products/kept_steps.c \
  Sources/CSeismoKernels/products.c Sources/CSeismoKernels/kernels.c -o "$work/kept_steps"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/products"
"$work/kept_steps"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
