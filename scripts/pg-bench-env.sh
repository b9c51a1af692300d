# Sourced by the PostgreSQL benchmarks (bench-jobs.sh, bench-pg-insert.sh, bench-watch.sh,
# bench-rethreshold.sh, bench-fanout-store.sh, bench-new-rows.sh, bench-jit.sh), from
# the repository root: installs what they need, builds the release binary ($seismo; SEISMO=path/to/seismo
# uses that build instead, an earlier commit's, say), starts a
# throwaway server ($SEISMO_TEST_PG_URL) and makes a work folder ($work); both go on exit.
SEISMO_EXTRA_PACKAGES="postgresql" scripts/setup.sh
if [ -z "${SEISMO:-}" ]; then swift build -c release --product seismo >&2; fi
seismo=${SEISMO:-$PWD/.build/release/seismo}
eval "$(scripts/pg-test-server.sh start)"
work=$(mktemp -d /tmp/seismo-bench.XXXXXX)
trap 'scripts/pg-test-server.sh stop "$SEISMO_TEST_PG_DIR"; rm -rf "$work"' EXIT
