#!/usr/bin/env bash
# `make test`: install what the tests need, then run the whole suite on SQLite and on a
# throwaway PostgreSQL, browser tests included. Exits non-zero if either run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

install_system_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

if [ "$(id -u)" = 0 ]; then install_system_packages; fi
make --no-print-directory install-test translations
if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; fi
.venv/bin/ruff check .

status=0
echo "=== Test suite on SQLite ==="
env -u DATABASE_URL .venv/bin/python -m pytest "$@" || status=1

echo "=== Test suite on PostgreSQL ==="
eval "$(bash .ci/pg-up.sh)"
pg_down() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN_CI/pg_ctl" -D "$PGDATA_CI" -m fast -w stop >/dev/null
  else "$PGBIN_CI/pg_ctl" -D "$PGDATA_CI" -m fast -w stop >/dev/null; fi
  rm -rf "$PGDATA_CI"
}
trap pg_down EXIT
.venv/bin/python -m pytest "$@" || status=1
exit "$status"
