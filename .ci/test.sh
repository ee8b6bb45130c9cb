#!/usr/bin/env bash
# `make test`: install what the tests need, then run the whole suite on SQLite and on a
# throwaway PostgreSQL, browser tests included. Never skips: a missing browser, database or tool
# is installed (as root) or reported as a failure. Exits non-zero if either run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "make test: $*" >&2; exit 1; }

install_system_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

if [ "$(id -u)" = 0 ]; then install_system_packages; fi
command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ] \
  || fail "Chromium is missing: run as root to install Debian's chromium, or set CHROMIUM_PATH"
command -v npm >/dev/null 2>&1 || fail "npm is missing (axe-core comes from npm): install Debian's npm"
command -v java >/dev/null 2>&1 || fail "Java is missing (the Nu Html Checker needs it): install Debian's default-jre-headless"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || fail "PostgreSQL is missing: run as root to install Debian's postgresql"
command -v redis-server >/dev/null 2>&1 \
  || fail "redis-server is missing (shared rate limits are tested against it): install Debian's redis-server"

make --no-print-directory install-test translations
npm ci --no-audit --no-fund --silent || fail "npm ci failed (axe-core and the Nu Html Checker)"
.venv/bin/ruff check .
.venv/bin/mypy  # the whole package, at the strictness pyproject.toml states

# The two runs go side by side: each is one Python process, mostly on one core, and a machine
# with two does both in little more than the time of the longer. SQLite's report streams here;
# PostgreSQL's is kept and shown once both are done.
pg_env="$(bash .ci/pg-up.sh)" || fail "the PostgreSQL server could not start (see the lines above); no test run was started"
eval "$pg_env"
pg_report="$(mktemp)"
pg_down() {
  if [ -n "${pg_run:-}" ]; then kill "$pg_run" 2>/dev/null || true; fi  # interrupted: stop it too
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN_CI/pg_ctl" -D "$PGDATA_CI" -m fast -w stop >/dev/null
  else "$PGBIN_CI/pg_ctl" -D "$PGDATA_CI" -m fast -w stop >/dev/null; fi
  rm -rf "$PGDATA_CI" "$pg_report"
}
trap pg_down EXIT

echo "=== Test suites on SQLite (shown as it runs) and PostgreSQL (shown when done), side by side ==="
FORMULATRUST_TEST_DATABASE=postgresql .venv/bin/python -m pytest "$@" >"$pg_report" 2>&1 &
pg_run=$!
status=0
env -u DATABASE_URL FORMULATRUST_TEST_DATABASE=sqlite .venv/bin/python -m pytest "$@" || status=1
echo "=== Test suite on PostgreSQL ==="
wait "$pg_run" || status=1
cat "$pg_report"
exit "$status"
