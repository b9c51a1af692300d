#!/usr/bin/env bash
# Sets up and runs the whole test suite, including the PostgreSQL tests against a throwaway
# server on 127.0.0.1 that this script starts and stops (unless SEISMO_TEST_PG_URL is already set).
set -euo pipefail
cd "$(dirname "$0")/.."
SEISMO_EXTRA_PACKAGES="postgresql" scripts/setup.sh
swift build --build-tests >&2
if [ -z "${SEISMO_TEST_PG_URL:-}" ]; then
  if server=$(scripts/pg-test-server.sh start 2>&1); then
    eval "$server"
    trap 'scripts/pg-test-server.sh stop "$SEISMO_TEST_PG_DIR"' EXIT
    echo "test: PostgreSQL test server at $SEISMO_TEST_PG_URL" >&2
  else
    echo "test: could not start PostgreSQL ($server); the PostgreSQL tests will be skipped" >&2
    [ -z "${SEISMO_REQUIRE_PG:-}" ] || exit 1
  fi
fi
PGOPTIONS="-c client_min_messages=warning" swift test --skip-build "$@"
