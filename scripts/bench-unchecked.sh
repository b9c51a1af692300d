#!/usr/bin/env bash
# Measures what -Ounchecked buys the neural-network engine (SeismoNN): builds the release binary
# as Package.swift says and a twin with the flag flipped, then runs both with
# scripts/compare-binaries.sh (the seed models' `seismo bench` and `seismo detect
# examples/spx-autoencoder.yaml`, interleaved, ROUNDS times, default 3; medians) and prints how
# much faster the unchecked build is. Run it when nothing else runs.
#
#   scripts/bench-unchecked.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
rounds=${1:-3}
[ -d "$data" ] || { echo "bench-unchecked: $data not found (../shared beside the repository)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product seismo >&2
twin=$(mktemp -d)
trap 'rm -rf "$twin"' EXIT
tar --exclude=./.build --exclude=./.git -cf - . | (cd "$twin" && tar -xf -)
if grep -q '"-Ounchecked"' Package.swift; then
  sed -i 's/swiftSettings: \[.unsafeFlags(\["-Ounchecked"\], .when(configuration: .release))\]/swiftSettings: []/' "$twin/Package.swift"
  names=(unchecked checked)
else
  sed -i 's/\.target(name: "SeismoNN", dependencies: \["SeismoSupport", "COpenBLAS", "CSeismoKernels"\])/.target(name: "SeismoNN", dependencies: ["SeismoSupport", "COpenBLAS", "CSeismoKernels"], swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))])/' "$twin/Package.swift"
  names=(checked unchecked)
fi
! cmp -s Package.swift "$twin/Package.swift" || { echo "bench-unchecked: could not flip the flag in Package.swift" >&2; exit 1; }
(cd "$twin" && swift build -c release --product seismo >&2)
if [ "${names[0]}" = checked ]; then
  scripts/compare-binaries.sh "$root/.build/release/seismo" checked "$twin/.build/release/seismo" unchecked "$rounds"
else
  scripts/compare-binaries.sh "$twin/.build/release/seismo" checked "$root/.build/release/seismo" unchecked "$rounds"
fi
