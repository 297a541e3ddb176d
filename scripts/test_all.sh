#!/usr/bin/env bash
# The whole suite in three legs: SQLite, PostgreSQL, browser (Playwright + Debian's
# Chromium). With CI=true every leg is required and a skipped test fails the run;
# without it, a leg whose prerequisite is missing is reported and left out.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
CI_MODE=false
case "${CI:-}" in true|1|yes) CI_MODE=true ;; esac
if $CI_MODE; then export PARKOPS_NO_SKIPS=1; fi
PG_URL="${PARKOPS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/parkops}"
CHROMIUM=/usr/bin/chromium
# The SQLite and PostgreSQL legs run on two pytest-xdist workers, each with its
# own test database; a whole test file goes to one worker (its module fixtures
# are built once). PARKOPS_TEST_WORKERS=0 runs them in one process.
WORKERS="${PARKOPS_TEST_WORKERS:-2}"
PARALLEL=(-n "$WORKERS" --dist loadfile)
left_out=()

echo "== lint"
$BIN/ruff check .

echo "== leg 1/3: SQLite"
env -u DATABASE_URL $BIN/pytest -m "not browser" -q "${PARALLEL[@]}"

echo "== leg 2/3: PostgreSQL"
if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PY
then
  DATABASE_URL="$PG_URL" $BIN/pytest -m "not browser" -q --create-db "${PARALLEL[@]}"
elif $CI_MODE; then
  echo "FAIL: the PostgreSQL leg is required in CI"; exit 1
else
  left_out+=("PostgreSQL")
fi

echo "== leg 3/3: browser"
if [ ! -x "$CHROMIUM" ] && $CI_MODE; then
  echo "Installing Debian's chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ -x "$CHROMIUM" ]; then
  env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $BIN/pytest -m browser -q
elif $CI_MODE; then
  echo "FAIL: the browser leg is required in CI"; exit 1
else
  left_out+=("browser (install Debian's chromium)")
fi

if [ ${#left_out[@]} -gt 0 ]; then
  echo "Left out (prerequisite missing): ${left_out[*]}"
fi
echo "== all legs passed"
