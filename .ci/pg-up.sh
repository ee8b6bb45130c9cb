#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 and print the shell lines that use it.
# The port is $PGPORT if set, else a free one. Fails, saying why, if the server cannot start.
set -euo pipefail
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -n "$PGBIN" ] || { echo "pg-up: PostgreSQL is not installed" >&2; exit 1; }
PGPORT="${PGPORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
PGDATA="$(mktemp -d "${TMPDIR:-/tmp}/formulatrust-pg.XXXXXX")"
if [ "$(id -u)" = 0 ]; then chown postgres: "$PGDATA"; AS=(runuser -u postgres --); else AS=(); fi
"${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync --no-instructions >/dev/null
if ! "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null; then
  echo "pg-up: PostgreSQL did not start on 127.0.0.1:$PGPORT; its log says:" >&2
  tail -n 20 "$PGDATA/server.log" >&2 || true
  rm -rf "$PGDATA"
  exit 1
fi
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres formulatrust_test
echo "export PGDATA_CI=$PGDATA PGBIN_CI=$PGBIN"
echo "export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/formulatrust_test"
