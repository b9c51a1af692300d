#!/usr/bin/env bash
# Checks that the C kernels give the same results on every instruction-set path they are built
# for. Builds scripts/kernel-paths/kernels_on_fixed_data.c with the kernels, runs it natively and
# under qemu-user as a Haswell (AVX2 path) and a Nehalem (baseline SSE path), and compares the
# checksums. Expected: the element-wise kernels identical everywhere; the small product identical
# on AVX-512 and AVX2 (both fuse multiply-adds) and within a few ulps on the baseline.
# Needs qemu-user (apt-get install qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-x86_64 > /dev/null || { echo "check-kernel-paths: needs qemu-user (apt-get install qemu-user)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The Swift toolchain's clang, which builds the kernels in the package, unless CC names another.
cc=${CC:-$(command -v clang || echo "$(dirname "$(command -v swift)")/clang")}
"$cc" -O2 -I Sources/CSeismoKernels/include scripts/kernel-paths/kernels_on_fixed_data.c \
  Sources/CSeismoKernels/kernels.c Sources/CSeismoKernels/products.c -o "$work/kernels" -lm
"$work/kernels" > "$work/native.txt"
status=0
for cpu in Haswell Nehalem; do
  qemu-x86_64 -cpu "$cpu" "$work/kernels" 2> /dev/null > "$work/$cpu.txt"
  if diff -q <(grep -v '^product' "$work/native.txt") <(grep -v '^product' "$work/$cpu.txt") > /dev/null; then
    echo "$cpu: element-wise kernels identical to this machine's"
  else
    echo "$cpu: element-wise kernels DIFFER"; diff "$work/native.txt" "$work/$cpu.txt" || true; status=1
  fi
  echo "$cpu: $(grep '^product' "$work/$cpu.txt")"
done
echo "native: $(grep '^product' "$work/native.txt")"
exit $status
