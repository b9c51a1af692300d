#!/usr/bin/env bash
# Measures a change's speed against an earlier commit: builds REV (a git revision) in a temporary
# worktree and this checkout's release build, then runs both with scripts/compare-binaries.sh
# (the seed models' `seismo bench` and `seismo detect examples/spx-autoencoder.yaml`, interleaved,
# ROUNDS times, default 3; medians). Run it when nothing else runs.
#
#   scripts/bench-against.sh REV [ROUNDS]          e.g. scripts/bench-against.sh HEAD~1
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench-against.sh REV [ROUNDS]}
commit=$(git rev-parse --verify "$rev^{commit}")
scripts/setup.sh
swift build -c release --product seismo >&2
before=$(mktemp -d)
trap 'git worktree remove --force "$before/src" >/dev/null 2>&1 || true; rm -rf "$before"' EXIT
git worktree add --detach "$before/src" "$commit" >&2
(cd "$before/src" && swift build -c release --product seismo >&2)
scripts/compare-binaries.sh "$before/src/.build/release/seismo" "${commit:0:7}" .build/release/seismo "working-tree" "${2:-3}"
