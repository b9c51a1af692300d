#!/usr/bin/env bash
# Installs the Debian packages Seismo builds against (libcsv, OpenBLAS, libpq) when missing,
# plus any in SEISMO_EXTRA_PACKAGES (the test script adds the PostgreSQL server).
# Needs the Swift 6 toolchain on PATH (swift.org's Linux release).
set -euo pipefail

packages=(libcsv-dev libopenblas-dev libpq-dev ${SEISMO_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: no 'swift' on PATH; install the Swift 6 toolchain for Linux first" >&2
  exit 1
fi
