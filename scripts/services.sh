#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for tests and benchmarks, on free loopback ports in a
# temporary folder. Source this file, call `services_start`, and the EXIT trap stops both
# (even on failure). Exports DATABASE_URL and REDIS_URL. The machine's own clusters are untouched.

_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
  echo "$d"
}

_as_postgres() {
  # initdb refuses to run as root: run the server as the postgres system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

services_stop() {
  local code=$?
  if [ -n "${SERVICES_DIR:-}" ] && [ -d "$SERVICES_DIR" ]; then
    if [ -f "$SERVICES_DIR/pgdata/postmaster.pid" ]; then
      _as_postgres "$(_pg_bin)/pg_ctl" -D "$SERVICES_DIR/pgdata" -m immediate stop >/dev/null 2>&1 || true
    fi
    if [ -f "$SERVICES_DIR/redis.pid" ]; then
      kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
    fi
    # PostgreSQL may still be writing its last files for a moment after an immediate stop.
    for _ in 1 2 3 4 5; do rm -rf "$SERVICES_DIR" 2>/dev/null && break; sleep 0.5; done
  fi
  return $code
}

services_start() {
  SERVICES_DIR=$(mktemp -d /tmp/valuing-send-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  trap services_stop EXIT
  local pg_bin pg_port redis_port
  pg_bin=$(_pg_bin)
  pg_port=$(_free_port)
  redis_port=$(_free_port)
  mkdir -p "$SERVICES_DIR/pgdata" "$SERVICES_DIR/pgsock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$SERVICES_DIR/pgdata" "$SERVICES_DIR/pgsock"
  _as_postgres "$pg_bin/initdb" -D "$SERVICES_DIR/pgdata" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$SERVICES_DIR/initdb.log" 2>&1 \
    || { cat "$SERVICES_DIR/initdb.log" >&2; return 1; }
  local pg_opts="-p $pg_port -k $SERVICES_DIR/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTS:-}"
  _as_postgres "$pg_bin/pg_ctl" -D "$SERVICES_DIR/pgdata" -l "$SERVICES_DIR/pgsock/postgres.log" -w \
    -o "$pg_opts" start >/dev/null || { cat "$SERVICES_DIR/pgsock/postgres.log" >&2; return 1; }
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres valuing_send
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log" >/dev/null
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/valuing_send"
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  # For the fault tests (tests/faults/servers.py), which stop and start these same servers.
  export SERVICES_DIR SERVICES_PG_BIN="$pg_bin" SERVICES_PG_OPTS="$pg_opts" \
    SERVICES_REDIS_PORT="$redis_port"
  echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (in $SERVICES_DIR)"
}
