#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1:$PGPORT and print the shell lines that use it.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
PGDATA="$(mktemp -d "${TMPDIR:-/tmp}/formulatrust-pg.XXXXXX")"
if [ "$(id -u)" = 0 ]; then chown postgres: "$PGDATA"; AS=(runuser -u postgres --); else AS=(); fi
"${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync --no-instructions >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres formulatrust_test
echo "export PGDATA_CI=$PGDATA PGBIN_CI=$PGBIN"
echo "export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/formulatrust_test"
