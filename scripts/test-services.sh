#!/usr/bin/env bash
# Installs the system packages the test suite drives: a real browser for portal tests, PostgreSQL for the store
# tests that run on it (tests/postgres.py starts a throwaway server on loopback), Redis for the scale-out tests
# (tests/redis_server.py starts a throwaway broker on loopback), Java for the Nu Html Checker; then the checkers
# themselves (vnu.jar and axe-core, pinned in tools/package-lock.json) into tools/node_modules.
# Idempotent and quiet; skips what is present. Tests that need a missing program skip themselves.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
missing_hint="; tests needing them will skip"
. "$(dirname "$0")/apt-install-missing.sh"
# The checkers: npm ci again only when the lock file changed. --ignore-scripts: vnu-jar's install script would
# download a Java runtime of its own from outside the registry; Debian's Java above runs the jar.
tools="$(dirname "$0")/../tools"
if [ ! "$tools/node_modules/.installed" -nt "$tools/package-lock.json" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix "$tools" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null \
      && touch "$tools/node_modules/.installed" \
      || echo "warning: could not install the checkers in tools/; tests needing them will skip"
  else
    echo "note: npm missing; the vnu and axe-core tests will skip"
  fi
fi
exit 0
