#!/usr/bin/env bash
# Sets up and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests >&2
swift test --skip-build "$@"
