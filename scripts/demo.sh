#!/usr/bin/env bash
# Sets up, builds (release) and runs the demo: a synthetic market with injected anomalies.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product seismo >&2
.build/release/seismo demo "$@"
