#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests and prints its URL; stop it with
#   scripts/pg-test-server.sh stop DIR
#   scripts/pg-test-server.sh restart DIR     (a real restart: the job-queue fault test uses it)
# Usage: eval "$(scripts/pg-test-server.sh start)"   → exports SEISMO_TEST_PG_URL and SEISMO_TEST_PG_DIR
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
case "${1:-start}" in
  start)
    dir=$(mktemp -d /tmp/seismo-pg.XXXXXX)
    chown postgres "$dir" 2>/dev/null || true
    run() { if [ "$(id -u)" -eq 0 ]; then (cd "$dir" && runuser -u postgres -- "$@"); else (cd "$dir" && "$@"); fi; }
    # 55432, or the next port no other server listens on.
    port=${SEISMO_TEST_PG_PORT:-55432}
    if [ -z "${SEISMO_TEST_PG_PORT:-}" ]; then
      while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((port + 1)); done
    fi
    run "$bin/initdb" -D "$dir/data" -A trust -U postgres > "$dir/initdb.log" 2>&1
    # One role must give a password (scram), so the tests can check a wrong one is refused.
    hba="$dir/data/pg_hba.conf"
    { echo "host all seismo_pw 127.0.0.1/32 scram-sha-256"; cat "$hba"; } > "$hba.new" && mv "$hba.new" "$hba"
    [ "$(id -u)" -eq 0 ] && chown postgres "$hba"
    run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null
    run "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qc \
      "CREATE ROLE seismo_pw LOGIN PASSWORD 'right-password'" > /dev/null
    echo "export SEISMO_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/postgres"
    echo "export SEISMO_TEST_PG_DIR=$dir"
    ;;
  restart)
    dir=$2
    if [ "$(id -u)" -eq 0 ]; then
      (cd "$dir" && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w restart > /dev/null)
    else
      "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w restart > /dev/null
    fi
    ;;
  stop)
    dir=$2
    if [ "$(id -u)" -eq 0 ]; then
      (cd "$dir" && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null) || true
    else
      "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null || true
    fi
    rm -rf "$dir"
    ;;
esac
