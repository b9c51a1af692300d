#!/usr/bin/env bash
# Checks that the C kernels agree across the instruction-set paths they are built for. Builds
# scripts/kernel-paths/kernels_on_fixed_data.c with the kernels and the package's flags, runs it
# natively and under qemu-user as a Haswell (AVX2 path) and a Nehalem (baseline SSE path), and
# compares every result. Expected: AVX-512 and AVX2 identical (both fuse multiply-adds); the
# baseline, which does not fuse, within 1e-5·(1 + |value|) of them, an ulp or so; discord's
# profile, the dynamic threshold's tally and spot's tail passes, which fuse nothing, identical on
# all three.
# Needs qemu-user (apt-get install qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-x86_64 > /dev/null || { echo "check-kernel-paths: needs qemu-user (apt-get install qemu-user)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The Swift toolchain's clang, which builds the kernels in the package, unless CC names another.
cc=${CC:-$(command -v clang || echo "$(dirname "$(command -v swift)")/clang")}
"$cc" -O2 -mprefer-vector-width=512 -I Sources/CSeismoKernels/include \
  scripts/kernel-paths/kernels_on_fixed_data.c Sources/CSeismoKernels/kernels.c Sources/CSeismoKernels/products.c \
  Sources/CSeismoKernels/profile.c Sources/CSeismoKernels/tally.c Sources/CSeismoKernels/tail.c \
  -o "$work/kernels" -lm
"$work/kernels" > "$work/native.txt"
qemu-x86_64 -cpu Haswell "$work/kernels" 2> /dev/null > "$work/Haswell.txt"
qemu-x86_64 -cpu Nehalem "$work/kernels" 2> /dev/null > "$work/Nehalem.txt"
status=0
if cmp -s "$work/native.txt" "$work/Haswell.txt"; then
  echo "Haswell (AVX2): all $(wc -l < "$work/native.txt") results identical to this machine's"
else
  echo "Haswell (AVX2): results DIFFER from this machine's"; diff "$work/native.txt" "$work/Haswell.txt" | head; status=1
fi
# Same kernels, indices and order on both sides: compare line by line.
if paste -d' ' "$work/native.txt" "$work/Nehalem.txt" | awk '
  $1 != $4 || $2 != $5 { print "Nehalem: output out of step at " $1 " " $2; bad = 1; exit }
  { d = $3 - $6; d = d < 0 ? -d : d; a = $3 < 0 ? -$3 : $3; r = d / (1 + a)
    if (r > worst) { worst = r; at = $1 " " $2 }
    if (r > 1e-5) { print "Nehalem: " $1 "[" $2 "] = " $6 ", here " $3; bad = 1 } }
  END { if (!bad) printf "Nehalem (baseline): every result within 1e-5·(1 + |value|); largest %.2g at %s\n", worst, at
        exit bad }'; then :; else status=1; fi
if cmp -s <(grep '^profile\|^tally\|^tail' "$work/native.txt") <(grep '^profile\|^tally\|^tail' "$work/Nehalem.txt"); then
  echo "Nehalem (baseline): all $(grep -c '^profile\|^tally\|^tail' "$work/native.txt") profile, tally and tail results identical to this machine's"
else
  echo "Nehalem (baseline): profile, tally or tail results DIFFER from this machine's"; status=1
fi
exit $status
